/**
 * Temporary passwords for the users an import creates.
 *
 * Each import draws one random 256-bit seed; a row's password is derived from it and the row number
 * (scheme 2: an AES-256-CTR keystream keyed by HMAC(seed, importId); scheme 1, imports applied
 * before it: HMAC-SHA256(seed, importId:row)) and mapped onto the same alphabet and shape as
 * generateTemporaryPassword (20 symbols, ~116 bits).
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

/** 20 symbols from 32 random bytes (rejection sampling), or null when they fall short of the rules. */
function passwordFrom(bytes: Uint8Array): string | null {
  let out = '';
  let upper = false;
  let lower = false;
  let digit = false;
  for (let i = 0; i < bytes.length && out.length < 20; i++) {
    const b = bytes[i]!;
    if (b >= LIMIT) continue;
    const symbol = b % ALPHABET.length;
    out += ALPHABET[symbol];
    // ALPHABET: 24 upper-case letters, then 25 lower-case, then 8 digits.
    if (symbol < 24) upper = true;
    else if (symbol < 49) lower = true;
    else digit = true;
  }
  if (out.length < 20 || !upper || !lower || !digit) return null;
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}-${out.slice(16, 20)}`;
}

/**
 * The temporary password of one row of one import (scheme 1): deterministic given the seed, random
 * without it. One HMAC per row (~9 µs with its Node object), so ~0.9 s for 100,000 rows.
 */
export function derivedTemporaryPassword(seed: Buffer, importId: string, row: number): string {
  for (let counter = 0; ; counter++) {
    const bytes = crypto.createHmac('sha256', seed).update(`${importId}:${row}:${counter}`).digest();
    const password = passwordFrom(bytes);
    if (password) return password;
  }
}

/** The password scheme apply records with the seed; imports applied before it have none (scheme 1). */
export const PASSWORD_SCHEME = 2;
/** Rows whose keystream is made at once (32 bytes each, 2 MiB): bounds memory for sparse row numbers. */
const SPAN = 65536;

/**
 * Temporary passwords of many rows (scheme 2), one row at a time: row r takes the 32 bytes at block 2r
 * of an AES-256-CTR keystream keyed by HMAC(seed, importId), made a span of rows at a time, so a file
 * costs a few cipher calls instead of an HMAC per row (100,000 rows: ~0.1 s instead of ~0.9 s). The
 * ~5% of rows whose 32 bytes fall short of the rules (no digit, most often) take their scheme-1
 * password. Cheapest with ascending rows, as a file gives them.
 */
export function temporaryPasswordSource(seed: Buffer, importId: string): (row: number) => string {
  const key = crypto.createHmac('sha256', seed).update(`tandem-import-passwords-v2:${importId}`).digest();
  let first = -1;
  let stream = Buffer.alloc(0);
  return (row) => {
    if (first < 0 || row < first || row >= first + SPAN) {
      first = row;
      const iv = Buffer.alloc(16);
      iv.writeBigUInt64BE(BigInt(first) * 2n, 8);
      const cipher = crypto.createCipheriv('aes-256-ctr', key, iv);
      stream = Buffer.concat([cipher.update(Buffer.alloc(SPAN * 32)), cipher.final()]);
    }
    const offset = (row - first) * 32;
    return (
      passwordFrom(stream.subarray(offset, offset + 32)) ?? derivedTemporaryPassword(seed, importId, row)
    );
  };
}

/** temporaryPasswords for a list of rows (ascending). */
export function temporaryPasswords(seed: Buffer, importId: string, rows: readonly number[]): string[] {
  const passwordOf = temporaryPasswordSource(seed, importId);
  return rows.map((row) => passwordOf(row));
}

/** The passwords of `rows` under the scheme the import was applied with. */
export function importPasswords(
  scheme: number,
  seed: Buffer,
  importId: string,
  rows: readonly number[],
): string[] {
  return scheme === PASSWORD_SCHEME
    ? temporaryPasswords(seed, importId, rows)
    : rows.map((row) => derivedTemporaryPassword(seed, importId, row));
}
