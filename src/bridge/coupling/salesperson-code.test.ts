import { describe, expect, it } from 'vitest';
import { deriveSalespersonCode } from './salesperson-code.js';

describe('deriveSalespersonCode', () => {
  it('uses the initials, uppercase', () => {
    expect(deriveSalespersonCode({ fullname: 'Jim Olive' }, new Set())).toBe('JO');
    expect(deriveSalespersonCode({ fullname: 'Anne-Marie de la Cruz' }, new Set())).toBe('AMDLC');
    expect(deriveSalespersonCode({ fullname: 'Émile Zola' }, new Set())).toBe('EZ');
  });

  it('makes the code unique with a number', () => {
    expect(deriveSalespersonCode({ fullname: 'Jim Olive' }, new Set(['JO']))).toBe('JO2');
    expect(deriveSalespersonCode({ fullname: 'Jim Olive' }, new Set(['JO', 'JO2']))).toBe('JO3');
  });

  it('falls back to the e-mail for one-word names, and stays within 20 characters', () => {
    expect(deriveSalespersonCode({ fullname: 'Prince', email: 'prince.rogers@contoso.com' }, new Set())).toBe(
      'PRINCEROGERS',
    );
    const long = deriveSalespersonCode({ fullname: null, email: 'a'.repeat(40) + '@contoso.com' }, new Set());
    expect(long).toHaveLength(20);
    const taken = new Set([long]);
    const next = deriveSalespersonCode({ fullname: null, email: 'a'.repeat(40) + '@contoso.com' }, taken);
    expect(next).toHaveLength(20);
    expect(next.endsWith('2')).toBe(true);
  });
});
