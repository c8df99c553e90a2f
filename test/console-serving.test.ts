import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsole } from '../src/console/register-console.js';

/** The server side of the console: index.html at / and /admin/*, hashed assets, no API shadowed. */
describe('serving the web console', () => {
  let bundleDir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-console-'));
    fs.mkdirSync(path.join(bundleDir, 'assets'));
    fs.writeFileSync(path.join(bundleDir, 'index.html'), '<!doctype html><div id="root"></div>');
    fs.writeFileSync(path.join(bundleDir, 'assets', 'index-abc123.js'), 'console.log(1)');
    fs.writeFileSync(path.join(bundleDir, 'favicon.svg'), '<svg/>');
    app = Fastify();
    app.get('/directory/users', async () => ({ value: [] }));
    await app.register(async (scope) => registerConsole(scope, { bundleDir }));
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    fs.rmSync(bundleDir, { recursive: true, force: true });
  });

  it('answers / and client routes under /admin with index.html, never cached, with a strict CSP', async () => {
    for (const url of ['/', '/admin', '/admin/directory/users', '/admin/directory/users/abc?x=1']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.body).toContain('<div id="root">');
    }
  });

  it('serves hashed assets as immutable and public files briefly cached', async () => {
    const asset = await app.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await app.inject({ url: '/favicon.svg' });
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
    expect((await app.inject({ url: '/assets/missing.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/assets/..%2f..%2fpackage.json' })).statusCode).toBe(404);
  });

  it('never shadows an API path', async () => {
    const api = await app.inject({ url: '/directory/users' });
    expect(api.json()).toEqual({ value: [] });
    expect((await app.inject({ url: '/sales/whatever' })).statusCode).toBe(404);
  });

  it('says how to build the console when it has not been built', async () => {
    const bare = Fastify();
    await bare.register(async (scope) =>
      registerConsole(scope, { bundleDir: path.join(bundleDir, 'nothing-here') }),
    );
    const response = await bare.inject({ url: '/' });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('npm run build');
    await bare.close();
  });
});
