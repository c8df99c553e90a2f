/**
 * Temporary passwords for the users an import creates.
 *
 * Each import draws one random 256-bit seed; a row's password is HMAC-SHA256(seed, importId:row)
 * mapped onto the same alphabet and shape as generateTemporaryPassword (20 symbols, ~116 bits).
 * Only the seed is kept, sealed with the installation key, until the results file is downloaded; then
 * it is wiped and no password can be recovered. Why not seal 100,000 passwords one by one: a per-row
 * AES-GCM seal costs ~18 µs (≈2 s for 100,000 rows, plus a 100,000-row wipe afterwards), while the
 * seed is one seal and one single-row wipe. The security is the same: whoever holds the sealed seed
 * and the key could equally open 100,000 sealed passwords.
 */
import crypto from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const LIMIT = ALPHABET.length * 4; // rejection sampling below 224 keeps every symbol equally likely

export function newPasswordSeed(): Buffer {
  return crypto.randomBytes(32);
}

/** The temporary password of one row of one import: deterministic given the seed, random without it. */
export function derivedTemporaryPassword(seed: Buffer, importId: string, row: number): string {
  for (let counter = 0; ; counter++) {
    const bytes = crypto.createHmac('sha256', seed).update(`${importId}:${row}:${counter}`).digest();
    let out = '';
    for (let i = 0; i < bytes.length && out.length < 20; i++) {
      const b = bytes[i]!;
      if (b < LIMIT) out += ALPHABET[b % ALPHABET.length];
    }
    if (out.length < 20 || !/[A-Z]/.test(out) || !/[a-z]/.test(out) || !/[2-9]/.test(out)) continue;
    return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}-${out.slice(16, 20)}`;
  }
}
