import { expect } from 'vitest';
import { adminHeaders, getToken } from './auth.js';
import type { TestSystem } from './test-system.js';

/** HTTP helpers for ERP API tests: JSON in and out, the admin's token by default. */
export interface ErpResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export function erpClient(system: TestSystem) {
  async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: {
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
      as?: Record<string, string>;
    } = {},
  ): Promise<ErpResult<T>> {
    const auth = options.as ?? (await adminHeaders(system));
    const response = await fetch(`${system.url}${path}`, {
      method,
      headers: {
        ...auth,
        ...(options.body !== undefined || options.rawBody !== undefined
          ? { 'content-type': 'application/json' }
          : {}),
        ...(options.headers ?? {}),
      },
      body: options.rawBody ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : undefined) as T,
    };
  }
  return { call };
}

/** Creates a directory user (through the directory API) who can get a token with a password. */
export async function createDirectoryUser(
  system: TestSystem,
  upn: string,
  options: { licences?: string[]; displayName?: string } = {},
): Promise<{ id: string; upn: string; password: string }> {
  const password = 'Erp-Passw0rd!x';
  const response = await fetch(`${system.url}/directory/users`, {
    method: 'POST',
    headers: { ...(await adminHeaders(system)), 'content-type': 'application/json' },
    body: JSON.stringify({
      userPrincipalName: upn,
      displayName: options.displayName ?? upn.split('@')[0],
      usageLocation: 'US',
      password,
      mustChangePassword: false,
      licences: options.licences ?? [],
    }),
  });
  const body = (await response.json()) as { id: string; detail?: string };
  expect(response.status, body.detail).toBe(201);
  return { id: body.id, upn, password };
}

export async function bearer(
  system: TestSystem,
  upn: string,
  password: string,
): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await getToken(system.url, upn, password)}` };
}

/** Waits until `check` passes (provisioning from the directory feed runs in the background). */
export async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
