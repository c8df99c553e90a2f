import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseEncoding, registerConsole } from '../src/console/register-console.js';

const BIG_SCRIPT = Array.from({ length: 400 }, (_, i) => `export const value${i} = ${i};`).join('\n');

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
    fs.writeFileSync(path.join(bundleDir, 'assets', 'big-def456.js'), BIG_SCRIPT);
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

  it('compresses scripts with brotli or gzip as the client accepts, and says it varies', async () => {
    const url = '/assets/big-def456.js';
    const br = await app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('accept-encoding');
    expect(br.rawPayload.length).toBeLessThan(BIG_SCRIPT.length / 3);
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe(BIG_SCRIPT);
    const gz = await app.inject({ url, headers: { 'accept-encoding': 'br;q=0, gzip;q=0.5' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).toString()).toBe(BIG_SCRIPT);
    const plain = await app.inject({ url });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    expect(plain.body).toBe(BIG_SCRIPT);
    // Tiny files go as they are.
    const tiny = await app.inject({ url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'br' } });
    expect(tiny.headers['content-encoding']).toBeUndefined();
  });

  it('reads Accept-Encoding with q-values and *', () => {
    expect(chooseEncoding(undefined)).toBeNull();
    expect(chooseEncoding('identity')).toBeNull();
    expect(chooseEncoding('gzip')).toBe('gzip');
    expect(chooseEncoding('gzip;q=1.0, br;q=0.1')).toBe('br');
    expect(chooseEncoding('br;q=0, gzip;q=0')).toBeNull();
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('*;q=0.5, br;q=0')).toBe('gzip');
    expect(chooseEncoding(' GZIP ; q=0.8 ')).toBe('gzip');
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
