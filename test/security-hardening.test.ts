/**
 * Security (issue 12, item 11): the embedded database's files are private to Tandem's user (the
 * data directory and PGlite's pgdata are 0700: password hashes are inside), `/docs` is served with
 * the console's content security policy, and an upload sent as `text/plain` is told its content
 * type is wrong (415) rather than "The file is empty".
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders } from './support/auth.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(async () => {
  await system?.stop();
});

describe('hardening', () => {
  it('keeps the data directory and the PGlite files private (0700)', () => {
    const dirs = [system.config.dataDir];
    if (!system.config.databaseUrl) dirs.push(path.join(system.config.dataDir, 'pgdata'));
    for (const dir of dirs) {
      expect((fs.statSync(dir).mode & 0o777).toString(8), dir).toBe('700');
    }
  });

  it("serves /docs with the console's content security policy", async () => {
    const console = await fetch(`${system.url}/`);
    const csp = console.headers.get('content-security-policy');
    expect(csp).toContain("script-src 'self'");
    const docs = await fetch(`${system.url}/docs/static/index.html`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toBe(csp);
    const entry = await fetch(`${system.url}/docs`);
    expect(entry.status).toBe(200);
    expect(entry.headers.get('content-security-policy')).toBe(csp);
  });

  it('answers an upload sent as text/plain with 415 naming text/csv', async () => {
    const response = await fetch(`${system.url}/directory/imports`, {
      method: 'POST',
      headers: { ...(await adminHeaders(system)), 'content-type': 'text/plain' },
      body: 'User Name,First Name\r\nchris@contoso.com,Chris\r\n',
    });
    const body = (await response.json()) as { detail: string };
    expect(response.status, JSON.stringify(body)).toBe(415);
    expect(body.detail).toContain('text/csv');
    expect(body.detail).not.toContain('empty');
  });
});
