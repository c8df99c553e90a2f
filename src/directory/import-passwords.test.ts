import { describe, expect, it } from 'vitest';
import {
  derivedTemporaryPassword,
  importPasswords,
  newPasswordSeed,
  PASSWORD_SCHEME,
  temporaryPasswords,
  temporaryPasswordSource,
} from './import-passwords.js';

const SHAPE = /^[A-HJ-NP-Za-km-z2-9]{4}(-[A-HJ-NP-Za-km-z2-9]{4}){4}$/;
const id = '0193b0c2-7f00-7000-8000-000000000001';

describe('import temporary passwords', () => {
  it('scheme 2: 20 symbols in five groups, with an upper-case letter, a lower-case letter and a digit', () => {
    const seed = newPasswordSeed();
    const rows = Array.from({ length: 2000 }, (_, i) => i + 2);
    const passwords = temporaryPasswords(seed, id, rows);
    expect(new Set(passwords).size).toBe(rows.length);
    for (const p of passwords) {
      expect(p).toMatch(SHAPE);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[2-9]/);
    }
  });

  it('scheme 2 depends only on seed, import and row: any subset, page or sparse row gives the same password', () => {
    const seed = newPasswordSeed();
    const all = temporaryPasswords(seed, id, [2, 3, 4, 5, 6, 7, 8, 9]);
    expect(temporaryPasswords(seed, id, [5, 9])).toEqual([all[3], all[7]]);
    const far = temporaryPasswords(seed, id, [2, 70000, 1_500_000]);
    expect(far[0]).toBe(all[0]);
    expect(temporaryPasswords(seed, id, [1_500_000])).toEqual([far[2]]);
    expect(temporaryPasswords(seed, '0193b0c2-7f00-7000-8000-000000000002', [2])[0]).not.toBe(all[0]);
    expect(temporaryPasswords(newPasswordSeed(), id, [2])[0]).not.toBe(all[0]);
  });

  it('imports applied before scheme 2 keep their scheme-1 passwords', () => {
    const seed = newPasswordSeed();
    expect(importPasswords(1, seed, id, [2, 3])).toEqual([
      derivedTemporaryPassword(seed, id, 2),
      derivedTemporaryPassword(seed, id, 3),
    ]);
    expect(importPasswords(PASSWORD_SCHEME, seed, id, [2, 3])).toEqual(temporaryPasswords(seed, id, [2, 3]));
  });

  it('scheme 2 is stable: known passwords of a fixed seed (results files must match what staging hashed)', () => {
    const seed = Buffer.alloc(32, 7);
    const rows = [2, 3, 65537, 65538, 70000, 1500000];
    const known = [
      'nw2K-JsMy-Nntm-voQH-PmqZ',
      '8rXZ-zV7f-V9Q6-wyMk-mAEt',
      'hQvR-PQxc-gxz8-Xv7P-KiDv',
      '9taS-2JeJ-pjMa-iE5U-mPVR',
      'iEY6-nggi-gnR3-vL5P-zb37',
      'sngG-cSJV-x4fg-Kakg-QGaP',
    ];
    expect(temporaryPasswords(seed, id, rows)).toEqual(known);
    // One row at a time, in any order, across keystream spans.
    const passwordOf = temporaryPasswordSource(seed, id);
    expect([5, 4, 3, 2, 1, 0].map((i) => passwordOf(rows[i]!))).toEqual([...known].reverse());
  });
});
