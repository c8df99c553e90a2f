import type { TestSystem } from './test-system.js';

/** Gets an access token with the OAuth password grant, failing loudly with the server's reason. */
export async function getToken(baseUrl: string, userName: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username: userName, password }),
  });
  const body = (await response.json()) as {
    access_token?: string;
    error?: string;
    error_description?: string;
  };
  if (!response.ok || !body.access_token) {
    throw new Error(
      `Token request for ${userName} failed (${response.status} ${body.error ?? ''}): ${body.error_description ?? ''}`,
    );
  }
  return body.access_token;
}

const adminTokens = new WeakMap<TestSystem, Promise<string>>();

/** `{ authorization: 'Bearer …' }` for the test system's Global administrator (token cached per system). */
export async function adminHeaders(system: TestSystem): Promise<Record<string, string>> {
  let token = adminTokens.get(system);
  if (!token) {
    token = getToken(system.url, system.admin.upn, system.admin.password);
    adminTokens.set(system, token);
    token.catch(() => adminTokens.delete(system));
  }
  return { authorization: `Bearer ${await token}` };
}
