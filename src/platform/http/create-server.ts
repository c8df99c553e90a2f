import crypto from 'node:crypto';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { AppError } from './app-error.js';
import { PAGE_CSP } from './csp.js';
import { sendProblem } from './problem.js';
import { recordRoutes } from './route-catalogue.js';
import { serializeError } from './safe-error.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes an application/x-www-form-urlencoded body (the OAuth token endpoint). */
    acceptsForm?: boolean;
  }
}

function nulCharacter(where: string): AppError {
  return new AppError(
    'BadRequest',
    `${where} contains a NUL character (U+0000), which no text value can hold. Remove it and send the request again.`,
  );
}

/** Whether a parsed body (JSON, a text body) holds a NUL character in any string, key or value. */
function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  if (Buffer.isBuffer(value) || typeof (value as { pipe?: unknown }).pipe === 'function') return false;
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || containsNul(v, depth + 1));
}

export interface HttpServerOptions {
  logLevel: string;
  /** false silences logs (tests). */
  log?: boolean;
  /** Where log lines go (default stdout); tests read them. */
  logStream?: { write(line: string): unknown };
  title: string;
  version: string;
  /**
   * The APIs that publish OpenAPI documents of their own (the ERP API, the Sales Web API): /docs
   * offers them beside this server's /docs/json.
   */
  documents?: ReadonlyArray<{ name: string; url: string }>;
  /** Checked by /healthz: resolves when the database answers. */
  healthCheck: () => Promise<{ database: string }>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const FORM_LIMIT = 64 * 1024;

/**
 * The fastify server every app registers on: zod validation, OpenAPI at /docs, request ids in logs
 * and responses, problem+json errors, form-encoded bodies (OAuth), /healthz.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      options.log === false
        ? false
        : {
            level: options.logLevel,
            ...(options.logStream ? { stream: options.logStream } : {}),
            // Errors are logged without SQL parameters (values of users' data, hashes): safe-error.ts.
            serializers: { err: serializeError },
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
              censor: '[redacted]',
            },
          },
    genReqId: (req) => {
      const given = req.headers['x-request-id'] ?? req.headers['client-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    },
    bodyLimit: 10 * 1024 * 1024,
    // Requests are logged at debug, one line each (below), not two info lines per request.
    disableRequestLogging: true,
    forceCloseConnections: false,
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  recordRoutes(app);

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  // PostgreSQL text cannot hold U+0000: refuse it where it arrives, in every face's own error shape
  // (a hook's error goes to the route's error handler), instead of a 500 from the database.
  app.addHook('onRequest', async (request) => {
    if (/%00/i.test(request.url) || request.url.includes('\u0000'))
      throw nulCharacter('The address (path or query)');
  });
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config?.acceptsForm) return; // the OAuth endpoint answers in OAuth's words
    if (containsNul(request.body)) throw nulCharacter('The request body');
  });

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_LIMIT },
    (request, body, done) => {
      // A form is what a page of another site can post without asking (no CORS preflight): only
      // routes that expect an OAuth form (config.acceptsForm) take one.
      if (request.routeOptions.config?.acceptsForm !== true) {
        done(
          new AppError(
            'UnsupportedMediaType',
            'This endpoint takes a JSON body: send content-type: application/json. Form bodies are accepted only by the OAuth token endpoint.',
          ),
        );
        return;
      }
      const form: Record<string, string> = {};
      for (const [key, value] of new URLSearchParams(body as string)) form[key] = value;
      done(null, form);
    },
  );

  await app.register(cookie);
  const documents = options.documents ?? [];
  await app.register(swagger, {
    openapi: {
      info: {
        title: options.title,
        version: options.version,
        ...(documents.length
          ? {
              description: `Tandem's own APIs. Described in documents of their own: ${documents
                .map((d) => `${d.name} (${d.url})`)
                .join('; ')}.`,
            }
          : {}),
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  // The API browser gets the console's policy: its scripts are files of its own, none inline.
  // The OData APIs keep separate documents (each routes below its root itself and has its own error
  // shape and clients); Swagger UI's definition selector lists them all, this server's first.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: PAGE_CSP,
    ...(documents.length
      ? { uiConfig: { urls: [{ name: options.title, url: '/docs/json' }, ...documents] } }
      : {}),
  });

  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      new AppError(
        'NotFound',
        `No route for ${request.method} ${request.url.split('?')[0]}. The API is described at /docs.`,
      ),
      request,
      reply,
    ),
  );

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      const { database } = await options.healthCheck();
      return { status: 'ok', database };
    } catch (error) {
      reply.log.error({ err: error }, 'health check failed');
      return reply.status(503).send({ status: 'unavailable', database: 'not answering' });
    }
  });

  return app;
}

export type HttpServer = Awaited<ReturnType<typeof createHttpServer>>;
