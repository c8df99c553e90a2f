import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { DirectoryContext } from './context.js';
import { signingKeys } from './schema.js';

export const SIGNING_ALG = 'RS256';

/** Advisory lock id serialising key creation across processes (first-run uses 7246001). */
const KEY_CREATION_LOCK = 7246002;

/** A public key as published in the JWKS. */
export interface PublicJwk extends JWK {
  kid: string;
  kty: string;
  alg: string;
  use: 'sig';
}

export interface KeyRing {
  /** The key new tokens are signed with. */
  active: { kid: string; privateKey: CryptoKey };
  /** Every stored key that may still verify a token, active or retired, by kid. */
  verifiers: Map<string, CryptoKey>;
  /** The JWKS document: public keys only. */
  jwks: { keys: PublicJwk[] };
}

async function activeKeyCount(ctx: DirectoryContext): Promise<number> {
  const rows = await ctx.db
    .select({ kid: signingKeys.kid })
    .from(signingKeys)
    .where(eq(signingKeys.active, true));
  return rows.length;
}

/**
 * Makes sure an active RS256 signing key exists, creating one on the first start. Generating the
 * pair happens outside the lock (it takes tens of milliseconds); the insert happens under an
 * advisory lock after re-checking, so two processes starting at once on PostgreSQL create one key.
 */
export async function ensureSigningKey(ctx: DirectoryContext): Promise<void> {
  if ((await activeKeyCount(ctx)) > 0) return;
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const kid = crypto.randomBytes(16).toString('base64url');
  const publicJwk: PublicJwk = {
    ...(await exportJWK(publicKey)),
    kid,
    kty: 'RSA',
    alg: SIGNING_ALG,
    use: 'sig',
  };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG };
  await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${KEY_CREATION_LOCK})`);
    const existing = await tx
      .select({ kid: signingKeys.kid })
      .from(signingKeys)
      .where(eq(signingKeys.active, true));
    if (existing.length > 0) return;
    await tx.insert(signingKeys).values({
      kid,
      alg: SIGNING_ALG,
      publicJwk,
      privateJwkSealed: ctx.secrets.seal(JSON.stringify(privateJwk)),
      active: true,
    });
  });
  forgetKeyRing(ctx);
}

async function loadKeyRing(ctx: DirectoryContext): Promise<KeyRing> {
  let rows = await ctx.db.select().from(signingKeys);
  if (!rows.some((r) => r.active)) {
    await ensureSigningKey(ctx);
    rows = await ctx.db.select().from(signingKeys);
  }
  // Newest active key signs; if several are active (a rotation in progress) all of them verify.
  const active = rows.filter((r) => r.active).sort((a, b) => +b.createdAt - +a.createdAt)[0];
  if (!active) throw new Error('No active signing key after creating one.');
  const verifiers = new Map<string, CryptoKey>();
  const keys: PublicJwk[] = [];
  for (const row of rows) {
    const jwk = row.publicJwk as PublicJwk;
    verifiers.set(row.kid, (await importJWK(jwk, row.alg)) as CryptoKey);
    keys.push({ kty: jwk.kty, n: jwk.n, e: jwk.e, kid: row.kid, alg: row.alg, use: 'sig' });
  }
  const privateJwk = JSON.parse(ctx.secrets.open(active.privateJwkSealed)) as JWK;
  const privateKey = (await importJWK(privateJwk, active.alg)) as CryptoKey;
  return { active: { kid: active.kid, privateKey }, verifiers, jwks: { keys } };
}

/** One cached key ring per directory context; keys change only on creation or rotation. */
const rings = new WeakMap<DirectoryContext, { ring: Promise<KeyRing>; loadedAt: number }>();
/** A token with an unknown kid may come from a key another process just created: reload, but rarely. */
const RELOAD_AFTER_MS = 30_000;

function forgetKeyRing(ctx: DirectoryContext): void {
  rings.delete(ctx);
}

export function keyRing(ctx: DirectoryContext): Promise<KeyRing> {
  let entry = rings.get(ctx);
  if (!entry) {
    entry = { ring: loadKeyRing(ctx), loadedAt: Date.now() };
    rings.set(ctx, entry);
    // A failed load must not be cached for ever.
    entry.ring.catch(() => forgetKeyRing(ctx));
  }
  return entry.ring;
}

/** The verification key for a token's kid, reloading the ring at most every 30 s when it is unknown. */
export async function verifierFor(ctx: DirectoryContext, kid: string | undefined): Promise<CryptoKey | null> {
  if (!kid) return null;
  const ring = await keyRing(ctx);
  const key = ring.verifiers.get(kid);
  if (key) return key;
  const entry = rings.get(ctx);
  if (entry && Date.now() - entry.loadedAt > RELOAD_AFTER_MS) {
    forgetKeyRing(ctx);
    return (await keyRing(ctx)).verifiers.get(kid) ?? null;
  }
  return null;
}
