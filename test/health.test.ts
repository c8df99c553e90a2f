import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from './support/test-system.js';

describe('server', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('answers /healthz with the database kind', async () => {
    const response = await fetch(`${system.url}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; database: string };
    expect(body.status).toBe('ok');
    expect(body.database).toBe(process.env.TANDEM_TEST_DATABASE_URL ? 'postgres' : 'pglite');
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers unknown routes with problem+json naming the route', async () => {
    const response = await fetch(`${system.url}/no/such/route`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = (await response.json()) as { code: string; detail: string };
    expect(body.code).toBe('NotFound');
    expect(body.detail).toContain('/no/such/route');
  });

  it('serves the OpenAPI document', async () => {
    const response = await fetch(`${system.url}/docs/json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string };
    expect(doc.openapi).toMatch(/^3\./);
  });
});
