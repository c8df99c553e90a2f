import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/http/app-error.js';
import { bearerToken } from '../../platform/http/token-verifier.js';
import type { SalesContext } from '../context.js';
import { resolveCaller, type SalesCaller } from '../security/caller.js';
import { executeBatch } from './batch-execute.js';
import { invalidArgument, toDataverseError } from './dataverse-error.js';
import { dispatch } from './dispatcher.js';
import type { ExecutionScope, WebApiRequest, WebApiResponse } from './execution.js';
import { ServiceProtection, type Admission } from './service-protection.js';
import { SALES_WEBAPI_OPENAPI_PATH, salesWebApiOpenApiDocument } from './openapi.js';
import { SERVICE_PATH } from './service-path.js';

/**
 * The Dataverse-compatible Web API under /api/data/v9.2, in its own plugin scope: its own
 * authenticator (bearer tokens verified against the directory's JWKS, like a separate resource
 * server), service protection limits, body handling and Dataverse-shaped errors. Routing is done by
 * the dispatcher, which $batch reuses for its inner requests.
 */

export { SERVICE_PATH } from './service-path.js';

/** The content type Dataverse answers JSON with. */
const JSON_CONTENT_TYPE =
  'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';

interface WebApiState {
  caller: SalesCaller | null;
  admission: Admission | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    salesWebApi: WebApiState | null;
  }
}

function sendResponse(reply: FastifyReply, response: WebApiResponse): FastifyReply {
  reply.status(response.status);
  reply.headers({ 'odata-version': '4.0', ...response.headers });
  if (response.body === undefined) return reply.send();
  // A Buffer payload keeps the content type exactly as written: for strings fastify re-serialises it
  // (quoting odata.metadata), which Dataverse clients do not expect.
  if (response.rawContentType)
    return reply
      .header('content-type', response.rawContentType)
      .send(Buffer.from(response.body as string, 'utf8'));
  return reply
    .header('content-type', JSON_CONTENT_TYPE)
    .send(Buffer.from(JSON.stringify(response.body), 'utf8'));
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const mapped = toDataverseError(error);
  if (mapped.status >= 500) request.log.error({ err: error }, 'Web API request failed');
  else request.log.info({ code: mapped.body.error.code, status: mapped.status }, mapped.body.error.message);
  return sendResponse(reply, { status: mapped.status, headers: mapped.headers, body: mapped.body });
}

/** Registers the Dataverse-compatible Web API under /api/data/v9.2. */
export async function registerWebApi(scope: FastifyInstance, ctx: SalesContext): Promise<void> {
  const limiter = new ServiceProtection({
    requestLimit: ctx.config.salesRequestLimit,
    concurrencyLimit: ctx.config.salesConcurrencyLimit,
    windowSeconds: ctx.config.salesWindowSeconds,
  });

  // Outside the Web API's own scope: public like /docs/json (it describes the API, not anyone's
  // data), so no token and no service protection. Hidden from /docs/json, which lists it beside itself.
  scope.get(SALES_WEBAPI_OPENAPI_PATH, { schema: { hide: true } }, async () =>
    salesWebApiOpenApiDocument(ctx.config.publicUrl),
  );

  await scope.register(
    async (api) => {
      // Bodies arrive as text: JSON errors, multipart $batch and empty bodies are the Web API's to judge.
      api.removeAllContentTypeParsers();
      api.addContentTypeParser(
        '*',
        { parseAs: 'string', bodyLimit: 32 * 1024 * 1024 },
        (_request, body, done) => done(null, body),
      );
      api.decorateRequest('salesWebApi', null);
      api.setErrorHandler((error, request, reply) => sendError(error, request, reply));

      api.addHook('onRequest', async (request, reply) => {
        const token = bearerToken(request.headers.authorization);
        if (!token)
          throw new AppError(
            'Unauthorized',
            'Send an access token for Sales in the Authorization header (Bearer …), from /oauth2/v2.0/token with scope "<server>/.default".',
            {
              headers: {
                'www-authenticate': `Bearer authorization_uri="${ctx.config.publicUrl}/oauth2/v2.0/authorize"`,
              },
            },
          );
        const caller = await resolveCaller(ctx, await ctx.verifyToken(token));
        // Impersonation would silently run as the caller instead of the named user: refuse it plainly.
        if (request.headers['mscrmcallerid'] || request.headers['callerobjectid']) {
          throw invalidArgument(
            'Impersonation (the MSCRMCallerID and CallerObjectId headers) is not supported: call with an access token of the user you want to act as.',
          );
        }
        const admission = limiter.admit(caller.systemUserId);
        request.salesWebApi = { caller, admission };
        reply.header('x-ms-ratelimit-burst-remaining-xrm-requests', String(admission.remaining));
        reply.header(
          'x-ms-ratelimit-time-remaining-xrm-requests',
          limiter.windowRemainingSeconds(caller.systemUserId).toFixed(2),
        );
      });
      api.addHook('onResponse', async (request) => {
        request.salesWebApi?.admission?.release();
      });
      api.addHook('onRequestAbort', async (request) => {
        request.salesWebApi?.admission?.release();
      });

      const handler = async (request: FastifyRequest, reply: FastifyReply) => {
        const caller = request.salesWebApi!.caller!;
        const url = request.url;
        const q = url.indexOf('?');
        const fullPath = q < 0 ? url : url.slice(0, q);
        const path = fullPath.startsWith(SERVICE_PATH)
          ? fullPath.slice(SERVICE_PATH.length).replace(/^\/+/, '')
          : fullPath;
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(request.headers))
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
        const webRequest: WebApiRequest = {
          method: request.method,
          path,
          query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
          headers,
          body: typeof request.body === 'string' ? request.body : '',
        };
        const execution: ExecutionScope = {
          ctx,
          caller,
          serviceRoot: `${ctx.config.publicUrl}${SERVICE_PATH}`,
          limiter,
          inChangeSet: false,
        };
        const response =
          path === '$batch' && request.method === 'POST'
            ? await executeBatch(execution, webRequest)
            : await dispatch(execution, webRequest);
        return sendResponse(reply, response);
      };
      // The dispatcher routes below the service root (keys sit inside segments, which the router
      // cannot express); these catch-alls are described by the Web API's own OpenAPI document.
      const methods = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];
      api.route({ method: methods, url: '/', schema: { hide: true }, handler });
      api.route({ method: methods, url: '/*', schema: { hide: true }, handler });
    },
    { prefix: SERVICE_PATH },
  );
}
