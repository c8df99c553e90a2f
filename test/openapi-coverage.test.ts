import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDocument, HTTP_METHODS, type OpenApi } from './support/openapi.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

/**
 * Every route the running server registers is described in one of the published OpenAPI documents
 * (/docs/json, the ERP's and the Sales Web API's), except the few listed below, each with its reason.
 * Routes are read from the server's own record of them (platform/http/route-catalogue.ts), so a new
 * route without a description — or a hidden one — fails here.
 */

const DOCUMENTS = ['/docs/json', '/docs/erp-api/json', '/docs/sales-webapi/json'];

/** Routes no document describes, and why. A pattern that matches no route fails the test too. */
const NOT_DESCRIBED: Array<{ pattern: RegExp; reason: string; onlyWithBuild?: boolean }> = [
  { pattern: /^\/docs(\/.*)?$/, reason: 'the API browser itself and the documents it shows' },
  {
    pattern: /^\/healthz$/,
    reason: 'a liveness probe for process managers and load balancers, not an API of any app',
  },
  { pattern: /^\/$/, reason: "the console's page" },
  { pattern: /^\/admin(\/\*)?$/, reason: "the console's client routes, all answered with its page" },
  { pattern: /^\/assets\/\*$/, reason: "the console's scripts and styles (content-hashed files)" },
  {
    pattern: /^\/[^/*:]+\.(svg|png|ico|txt|webmanifest|json)$/,
    reason: "the console's files at the root of its build (favicon…)",
    onlyWithBuild: true,
  },
];

/**
 * Entra ID clients call the OAuth and OpenID endpoints with the tenant in the path (and the v2.0
 * metadata with /v2.0 after it); each such alias is the same handler as the documented endpoint
 * without them, which must be documented.
 */
const TENANT_ALIAS = /^\/:tenant(?:\/v2\.0)?(\/.+)$/;

type Route = { method: string; url: string };

let system: TestSystem;
let routes: Route[];
let documents: Array<{ url: string; document: OpenApi }>;

beforeAll(async () => {
  system = await startTestSystem();
  routes = system.running.server.registeredRoutes.map((r) => ({ method: r.method, url: r.url }));
  documents = await Promise.all(
    DOCUMENTS.map(async (url) => ({ url, document: await fetchDocument(system.url, url) })),
  );
});
afterAll(async () => {
  await system?.stop();
});

/** fastify's `/users/:id` as OpenAPI writes it: `/users/{id}`. */
const asTemplate = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function operations(): Array<{ method: string; path: string; document: string }> {
  return documents.flatMap(({ url, document }) =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => HTTP_METHODS.includes(m))
        .map((method) => ({ method: method.toUpperCase(), path, document: url })),
    ),
  );
}

/** The catch-all roots: where an API routes requests itself (`/api/v2.0/` of `/api/v2.0/*`). */
function catchAllRoots(): string[] {
  return [...new Set(routes.filter((r) => r.url.endsWith('*')).map((r) => r.url.slice(0, -1)))];
}

/** Whether a document describes this route, and where. */
function describedBy(route: Route): string | undefined {
  const all = operations();
  const root = catchAllRoots().find(
    (r) => route.url === `${r}*` || route.url === r || route.url === r.replace(/\/$/, ''),
  );
  if (root !== undefined && !NOT_DESCRIBED.some((e) => e.pattern.test(route.url)))
    // The API's own router decides below its root (405 for a method a path does not take): the route
    // is described when its document describes the operations under that root.
    return all.find((o) => o.path.startsWith(root) && o.document !== '/docs/json')?.document;
  const path = asTemplate(route.url);
  return all.find((o) => o.path === path && o.method === route.method)?.document;
}

describe('every registered route is in a published document', () => {
  it('has routes to check (the catalogue records them)', () => {
    expect(routes.length).toBeGreaterThan(80);
    expect(routes).toContainEqual({ method: 'POST', url: '/bridge/setup/steps/:step' });
    expect(routes).toContainEqual({ method: 'GET', url: '/api/v2.0/*' });
  });

  it('describes each route, or names why not', () => {
    const undescribed: string[] = [];
    for (const route of routes) {
      // fastify adds HEAD beside every GET; it answers as the GET does.
      if (route.method === 'HEAD' && routes.some((r) => r.method === 'GET' && r.url === route.url)) continue;
      if (NOT_DESCRIBED.some((e) => e.pattern.test(route.url))) continue;
      const alias = TENANT_ALIAS.exec(route.url);
      const described = describedBy(alias ? { method: route.method, url: alias[1]! } : route);
      if (!described) undescribed.push(`${route.method} ${route.url}`);
    }
    expect(undescribed).toEqual([]);
  });

  it('puts the OData APIs in their own documents and Tandem’s own APIs in /docs/json', () => {
    expect(describedBy({ method: 'GET', url: '/api/v2.0/*' })).toBe('/docs/erp-api/json');
    expect(describedBy({ method: 'GET', url: '/api/tandem/sync/v1.0/*' })).toBe('/docs/erp-api/json');
    expect(describedBy({ method: 'GET', url: '/api/tandem/admin/v1.0/*' })).toBe('/docs/erp-api/json');
    expect(describedBy({ method: 'PATCH', url: '/api/data/v9.2/*' })).toBe('/docs/sales-webapi/json');
    expect(describedBy({ method: 'GET', url: '/directory/users' })).toBe('/docs/json');
    expect(describedBy({ method: 'POST', url: '/bridge/setup/steps/:step' })).toBe('/docs/json');
    expect(describedBy({ method: 'DELETE', url: '/bridge/setup/steps/:step' })).toBeUndefined();
  });

  it('lists no exception that matches nothing', () => {
    // The console's own files exist only once it is built (npm run build), not in every test run.
    for (const exception of NOT_DESCRIBED.filter((e) => !e.onlyWithBuild))
      expect(
        routes.some((r) => exception.pattern.test(r.url)),
        `${exception.pattern} (${exception.reason})`,
      ).toBe(true);
  });

  it('documents no path of an OData API outside the roots its routes serve', () => {
    const roots = catchAllRoots();
    for (const { document, url } of documents.filter((d) => d.url !== '/docs/json'))
      for (const path of Object.keys(document.paths))
        expect(
          roots.some((root) => path.startsWith(root)),
          `${url}: ${path}`,
        ).toBe(true);
  });
});
