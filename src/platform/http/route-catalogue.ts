import type { FastifyInstance } from 'fastify';

/**
 * Every route the server registers, as registered (method and URL, fastify's `:param` and `*`),
 * whichever plugin scope it came from. Fastify lists routes only as a printed tree; this list is
 * what a test checks against the published OpenAPI documents so no route goes undescribed.
 */

export interface RegisteredRoute {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly registeredRoutes: readonly RegisteredRoute[];
  }
}

/** Starts recording; call before any route is registered (an onRoute hook sees later routes only). */
export function recordRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
}
