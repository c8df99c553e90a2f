import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

/** scrypt cost: N=2^15, r=8, p=1 (OWASP's minimum recommendation), 32 MiB of memory per hash. */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

/**
 * Hashes a password a person chose with scrypt (slow KDF). Stored as
 * `scrypt$N$r$p$salt$hash` so the cost can be raised later without breaking old hashes.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password.normalize('NFC'), salt, KEY_LENGTH, SCRYPT);
  return [
    'scrypt',
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

/**
 * A fast keyed hash (HMAC-SHA256 under a server-side key) for secrets Tandem generated itself with
 * at least 96 bits of entropy: temporary passwords and client secrets. Guessing is hopeless without
 * the key, so no slow KDF is needed, which is what lets 100,000 imported users get passwords in seconds.
 * Hashing many: a KeyObject (crypto.createSecretKey) made once saves importing a Buffer key on every
 * call (100,000 hashes: ~180 against ~200 ms).
 */
export function hashGeneratedSecret(secret: string, key: Buffer | crypto.KeyObject): string {
  return 'hmac$' + crypto.createHmac('sha256', key).update(secret, 'utf8').digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** Verifies a password against either stored form. */
export async function verifyPassword(password: string, stored: string, hmacKey: Buffer): Promise<boolean> {
  if (stored.startsWith('hmac$')) return safeEqual(hashGeneratedSecret(password, hmacKey), stored);
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return crypto.timingSafeEqual(actual, expected);
}

/** A hash to compare against when the user does not exist, so timing does not reveal which UPNs exist. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'));
  return dummyHash;
}

/** Alphabet without look-alikes (0/O, 1/l/I). 56 symbols: 20 of them give ~116 bits. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/**
 * A random temporary password: 20 symbols in groups of four (e.g. `Kx7m-Qz2P-…`), ~116 bits of
 * entropy, with upper, lower and digits so it passes any complexity policy.
 */
export function generateTemporaryPassword(): string {
  for (;;) {
    const bytes = crypto.randomBytes(40);
    let out = '';
    for (let i = 0; i < bytes.length && out.length < 20; i++) {
      const b = bytes[i]!;
      if (b < ALPHABET.length * 4) out += ALPHABET[b % ALPHABET.length]; // rejection sampling: no bias
    }
    if (out.length < 20 || !/[A-Z]/.test(out) || !/[a-z]/.test(out) || !/[2-9]/.test(out)) continue;
    return out.match(/.{4}/g)!.join('-');
  }
}

/** Password policy for passwords people choose (Microsoft 365's: 8–256 chars, 3 of 4 classes). */
export function passwordPolicyProblem(password: string): string | undefined {
  if (password.length < 8) return 'must be at least 8 characters';
  if (password.length > 256) return 'must be at most 256 characters';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) return 'must contain three of: lower-case letters, upper-case letters, digits, symbols';
  return undefined;
}
