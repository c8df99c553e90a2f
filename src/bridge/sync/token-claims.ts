/**
 * The object id (`oid`) in an access token the bridge obtained itself: who the ERP records as the
 * author of the bridge's writes (rule A3). Read without verification — the token came straight from
 * the directory to us; the ERP verifies it when we use it.
 */
export function tokenObjectId(token: string): string | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { oid?: unknown };
    return typeof claims.oid === 'string' ? claims.oid : null;
  } catch {
    return null;
  }
}
