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
    step: string;
    ok: boolean;
    checks: Array<{ rule: string; id: string; status: string; message: string; fix?: string }>;
    changes: string[];
    summary: string;
    setup: { current: string | null; state: string };
  }>(system, 'POST', `/bridge/setup/steps/${id}`, input);
}

export { getToken };

export type SetupIdentity =
  { kind: 'user'; userName: string; password: string } | { kind: 'application'; displayName?: string };

/** The setup steps with their inputs, in order (`inputs` replaces a step's input). */
export function setupSteps(
  system: TestSystem,
  identity: SetupIdentity,
  inputs: Record<string, Record<string, unknown>> = {},
): Array<[string, Record<string, unknown>]> {
  const steps: Array<[string, Record<string, unknown>]> = [
    ['sales-url', { salesUrl: system.url, allowHttp: true }],
    ['admin', { userName: system.admin.upn, password: system.admin.password }],
    ['integration-user', { ...identity }],
    ['solution', {}],
    ['erp-permissions', {}],
    ['access-mode', { nonInteractive: true }],
    ['currency', { createIfMissing: true }],
    ['mappings', {}],
    ['salespeople', { auto: true, createMissing: true }],
    ['finish', {}],
  ];
  return steps.map(([id, input]) => [id, inputs[id] ?? input]);
}

/** (Re)starts the setup and runs every step, failing at the first step that fails (its checks say why). */
export async function runFullSetup(
  system: TestSystem,
  identity: SetupIdentity,
  inputs: Record<string, Record<string, unknown>> = {},
) {
  await ok(system, 'POST', '/bridge/setup/start', { restart: true });
  const results = [];
  for (const [id, input] of setupSteps(system, identity, inputs)) {
    const result = await step(system, id, input);
    expect(result.ok, `${id}: ${JSON.stringify(result.checks, null, 2)}`).toBe(true);
    results.push(result);
  }
  return results;
}
