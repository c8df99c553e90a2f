/**
 * The integration identity is protected in the directory like an administrator (issue 12, item 9):
 * only Global administrators may then reset its password, block it, change its profile or licences,
 * so a User administrator cannot take over an account with organisation-wide Sales access and the
 * ERP's INTEGRATION set. The bridge asks with the calling Global administrator's own token (the
 * directory allows only Global administrators to protect accounts).
 */
import type { BridgeActor, BridgeContext } from '../context.js';
import { directoryUrlOf, type ConnectionRow } from '../remote.js';
import type { CheckResult } from '../schema.js';

export const PROTECTED_FOR = 'integration identity of the ERP ↔ Sales connection';

/** Protects (or, with `protect` false, releases) the named integration user: a check saying how it went, and whether it changed anything. */
export async function protectIntegrationUser(
  ctx: BridgeContext,
  actor: BridgeActor,
  row: ConnectionRow,
  upn: string,
  protect = true,
): Promise<{ check: CheckResult; changed: boolean }> {
  const url = `${directoryUrlOf(ctx, row).replace(/\/+$/, '')}/directory/users/${encodeURIComponent(upn)}`;
  const headers = {
    ...(actor.token ? { authorization: `Bearer ${actor.token}` } : {}),
    accept: 'application/json',
  };
  const wanted = protect ? PROTECTED_FOR : null;
  const passed = (changed: boolean) => ({
    changed,
    check: {
      rule: 'A2' as const,
      id: 'a2.protected',
      status: 'pass' as const,
      message: protect
        ? `${upn} is protected in the directory: only Global administrators can change its password, sign-in or licences.`
        : `${upn} is no longer protected as the integration identity.`,
    },
  });
  let detail: string;
  try {
    const doFetch = ctx.fetch ?? fetch;
    const current = await doFetch(url, { headers });
    if (current.ok && ((await current.json()) as { protectedFor?: unknown }).protectedFor === wanted) {
      return passed(false);
    }
    const response = await doFetch(`${url}/protection`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ protectedFor: wanted }),
    });
    if (response.ok) return passed(true);
    const body = (await response.json().catch(() => ({}))) as { detail?: unknown };
    detail = typeof body.detail === 'string' ? body.detail : `the directory answered ${response.status}`;
  } catch {
    detail = 'the directory could not be reached';
  }
  return {
    changed: false,
    check: {
      rule: 'A2',
      id: 'a2.protected',
      status: 'fail',
      message: `${upn} could not be protected in the directory: ${detail}`,
      fix: 'Run this step again as a directory Global administrator; if it persists, check the directory server.',
    },
  };
}
