import fs from 'node:fs';
import { PAGE_CSP } from '../platform/http/csp.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../platform/http/app-error.js';

/**
 * Client routes of the console live under this prefix (and at `/`), so the single-page fallback can
 * never shadow an API path (/directory, /auth, /oauth2, /api, /sales, /bridge, /docs, …).
 */
export const CONSOLE_ROUTE_PREFIX = '/admin';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/**
 * Where `vite build` put the console: dist/web beside dist/console when running the build,
 * <repo>/dist/web when running from source (tests, tsx).
 */
export function defaultBundleDir(): string {
  const candidates = [path.resolve(HERE, '../web'), path.resolve(HERE, '../../dist/web')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const CONSOLE_CSP = PAGE_CSP;

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tandem</title></head>
<body><main><h1>The Tandem console has not been built</h1>
<p>Run <code>npm run build</code> (or start Tandem with <code>npm start</code>, which builds it) and reload this page.
The APIs work meanwhile; they are described at <a href="/docs">/docs</a>.</p></main></body></html>`;

interface BundleFile {
  body: Buffer;
  type: string;
  /** Compressed copies, made on the first request that accepts them and kept (see compressedBody). */
  compressed: Map<Encoding, Promise<Buffer>>;
}

type Encoding = 'br' | 'gzip';

/** Text worth compressing: the scripts, styles and markup (images and fonts are compressed already). */
const COMPRESSIBLE = /^(text\/|application\/json|image\/svg)/;
/** Below this, compression saves less than its headers cost. */
const MIN_COMPRESS_BYTES = 1024;

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * The encoding to answer with, from the request's Accept-Encoding (RFC 9110 §12.5.3): brotli if
 * accepted, else gzip, else none. A q-value of 0 refuses an encoding; `*` stands for the others.
 */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding | null {
  if (!acceptEncoding) return null;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [rawName, ...params] = part.toLowerCase().split(';');
    const name = rawName!.trim();
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    q.set(name, qParam ? Number(qParam.slice(2)) || 0 : 1);
  }
  const accepted = (encoding: Encoding) => (q.get(encoding) ?? q.get('*') ?? 0) > 0;
  return accepted('br') ? 'br' : accepted('gzip') ? 'gzip' : null;
}

/**
 * A file's body in the given encoding, compressed once, off the event loop (zlib's thread pool), on
 * the first request for it: brotli at quality 9 takes ~0.3 s for the whole console (1 MB of scripts
 * to 280 kB), too long to add to every start.
 */
function compressedBody(file: BundleFile, encoding: Encoding): Promise<Buffer> {
  let body = file.compressed.get(encoding);
  if (!body) {
    body =
      encoding === 'br'
        ? brotli(file.body, {
            params: {
              [zlib.constants.BROTLI_PARAM_QUALITY]: 9,
              [zlib.constants.BROTLI_PARAM_SIZE_HINT]: file.body.length,
            },
          })
        : gzip(file.body, { level: 9 });
    file.compressed.set(encoding, body);
  }
  return body;
}

/** Sends a bundle file, compressed when the client accepts it and it is worth it. */
async function sendBody(request: FastifyRequest, reply: FastifyReply, file: BundleFile) {
  reply.type(file.type);
  if (!COMPRESSIBLE.test(file.type) || file.body.length < MIN_COMPRESS_BYTES) return reply.send(file.body);
  reply.header('vary', 'accept-encoding');
  const encoding = chooseEncoding(request.headers['accept-encoding']);
  if (!encoding) return reply.send(file.body);
  return reply.header('content-encoding', encoding).send(await compressedBody(file, encoding));
}

/** Every file of the bundle, read once at start: a release's files do not change while it runs. */
function readBundle(dir: string): Map<string, BundleFile> {
  const files = new Map<string, BundleFile>();
  if (!fs.existsSync(path.join(dir, 'index.html'))) return files;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const urlPath = '/' + path.relative(dir, full).split(path.sep).join('/');
    const type = CONTENT_TYPES[path.extname(entry.name)];
    if (type) files.set(urlPath, { body: fs.readFileSync(full), type, compressed: new Map() });
  }
  return files;
}

/**
 * Serves the web console built by Vite: `/` and every client route under /admin get index.html
 * (never cached, so a new release is picked up at once), /assets/* the content-hashed bundles
 * (cached for a year, immutable), text compressed with brotli or gzip as the client accepts. When the
 * console has not been built, `/` says how to build it.
 */
export async function registerConsole(
  app: FastifyInstance,
  options: { bundleDir?: string } = {},
): Promise<void> {
  const files = readBundle(options.bundleDir ?? defaultBundleDir());
  const index = files.get('/index.html');

  const sendIndex = (request: FastifyRequest, reply: FastifyReply) => {
    reply.headers({
      'content-security-policy': CONSOLE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      'cache-control': 'no-cache',
    });
    if (!index) return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    return sendBody(request, reply, index);
  };

  app.get('/', { schema: { hide: true } }, sendIndex);
  app.get(CONSOLE_ROUTE_PREFIX, { schema: { hide: true } }, sendIndex);
  app.get(`${CONSOLE_ROUTE_PREFIX}/*`, { schema: { hide: true } }, sendIndex);

  const sendFile = (urlPath: string, request: FastifyRequest, reply: FastifyReply, cacheControl: string) => {
    const file = files.get(urlPath);
    if (!file || urlPath === '/index.html') {
      throw new AppError('NotFound', `The console has no file ${urlPath}. Reload the console page.`);
    }
    reply.headers({ 'cache-control': cacheControl, 'x-content-type-options': 'nosniff' });
    return sendBody(request, reply, file);
  };
  // Vite puts a content hash in every asset's name, so a cached copy can never be stale.
  app.get('/assets/*', { schema: { hide: true } }, (request, reply) =>
    sendFile(request.url.split('?')[0]!, request, reply, 'public, max-age=31536000, immutable'),
  );
  // Files copied from web/public keep their names: cache briefly.
  for (const urlPath of files.keys()) {
    if (urlPath.startsWith('/assets/') || urlPath === '/index.html') continue;
    app.get(urlPath, { schema: { hide: true } }, (request, reply) =>
      sendFile(urlPath, request, reply, 'public, max-age=3600'),
    );
  }
}
