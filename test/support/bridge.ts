import { expect } from 'vitest';
import { provisionNow as provisionSales } from '../../src/sales/provisioning.js';
import { adminHeaders, getToken } from './auth.js';
import type { TestSystem } from './test-system.js';

/** JSON answers: their shape is what the tests assert, not something the type system can know. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** Calls a Tandem API as the Global administrator (or with `token`), returning status and JSON. */
export async function call<T = Json>(
  system: TestSystem,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<Reply<T>> {
  const headers: Record<string, string> = token
    ? { authorization: `Bearer ${token}` }
    : await adminHeaders(system);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Like `call`, failing loudly unless the answer is 2xx. */
export async function ok<T = Json>(
  system: TestSystem,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
) {
  const reply = await call<T>(system, method, path, body, token);
  expect(reply.status, `${method} ${path}: ${JSON.stringify(reply.body)}`).toBeLessThan(300);
  return reply.body;
}

/** Sales and the ERP catch up with the directory now (they poll in the background otherwise). */
export async function provisionAll(system: TestSystem): Promise<void> {
  await provisionSales(system.running.sales.context);
  await system.running.erp.provisioning.runNow();
}

/** The Sales user (systemuser row via the admin API) with this UPN. */
export async function salesUser(system: TestSystem, upn: string) {
  await provisionAll(system);
  const page = await ok<{
    value: Array<{
      systemuserid: string;
      domainname: string;
      accessmode: number;
      roles: Array<{ name: string }>;
    }>;
  }>(system, 'GET', `/sales/admin/users?search=${encodeURIComponent(upn)}`);
  const user = page.value.find((u) => u.domainname === upn);
  expect(user, `Sales user ${upn}`).toBeDefined();
  return user!;
}

/** Gives Sales roles (by name) to users, through the Sales admin API. */
export async function giveRoles(
  system: TestSystem,
  upns: string[],
  roleNames: string[],
  action: 'assign' | 'remove' = 'assign',
) {
  const ids = [];
  for (const upn of upns) ids.push((await salesUser(system, upn)).systemuserid);
  await ok(system, 'POST', '/sales/admin/users/roles', { systemUserIds: ids, roleNames, action });
}

/** Runs a setup step, returning the step result (ok may be false: the checks say why). */
export async function step(system: TestSystem, id: string, input: Record<string, unknown> = {}) {
  return ok<{
    ok: boolean;
    checks: Array<{ rule: string; id: string; status: string; message: string; fix?: string }>;
    changes: string[];
    summary: string;
    setup: { current: string | null; state: string };
  }>(system, 'POST', `/bridge/setup/steps/${id}`, input);
}

export { getToken };
