import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/http/app-error.js';
import { requireDirectoryRole } from '../authorisation.js';
import type { DirectoryContext } from '../context.js';
import { deleteExpiredImports, getImport, problemsCsv, stageImport } from '../csv-import.js';
import { DEFAULT_MAX_BYTES } from '../csv-reader.js';
import { templateCsv, templateFileName } from '../csv-template.js';
import { applyImport } from '../import-apply.js';
import { completeImportResults, takeImportResults } from '../import-results.js';

/** Content types a CSV upload arrives with (browsers on Windows send .csv as application/vnd.ms-excel). */
const CSV_TYPES = ['text/csv', 'application/csv', 'application/vnd.ms-excel', 'application/octet-stream'];
const CLEANUP_EVERY_MS = 60 * 60 * 1000;

const problem = z.object({
  row: z.number().int(),
  column: z.string(),
  value: z.string().nullable(),
  message: z.string(),
});
const counts = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  failed: z.number().int(),
  licensed: z.number().int(),
  licence: z.string().nullable(),
});
const importSummary = z.object({
  id: z.string().uuid(),
  state: z.string(),
  format: z.enum(['m365', 'm365-2020', 'm365-translated', 'm365-2020-translated', 'entra']),
  /** Which template the file was read as, in plain words. */
  template: z.string(),
  fileName: z.string().nullable(),
  dryRun: z.boolean(),
  createdAt: z.string(),
  rowCount: z.number().int(),
  validRowCount: z.number().int(),
  problemCount: z.number().int(),
  problems: z.array(problem),
  willCreate: z.number().int(),
  willUpdate: z.number().int(),
  result: counts.nullable(),
  resultsTaken: z.boolean(),
});
const idParams = z.object({ id: z.string().uuid() });
const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === '');

function attachment(fileName: string): string {
  return `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
}

/**
 * Bulk import (M365 "Import multiple users"): template downloads, upload + verify, apply with
 * options, the problem log and the one-time results file. User administrators only.
 */
export async function registerImportsRoutes(root: FastifyInstance, ctx: DirectoryContext): Promise<void> {
  // Cheap housekeeping: on start and hourly, stale staged imports go.
  await deleteExpiredImports(ctx.db);
  const timer = setInterval(() => {
    deleteExpiredImports(ctx.db).catch((error: unknown) =>
      root.log.warn({ err: error }, 'import cleanup failed'),
    );
  }, CLEANUP_EVERY_MS);
  timer.unref();
  root.addHook('onClose', async () => clearInterval(timer));

  await root.register(async (scope) => {
    const app = scope.withTypeProvider<ZodTypeProvider>();
    // The CSV body is handed to the route as the raw stream, so a file of any size is never buffered.
    app.addContentTypeParser(CSV_TYPES, (_request, payload, done) => done(null, payload));

    app.get(
      '/directory/imports/template.csv',
      {
        schema: {
          tags: ['imports'],
          summary: 'The Microsoft 365 import template (headers only, or with the five sample users)',
          querystring: z.object({ sample: booleanFlag }),
        },
      },
      async (request, reply) => {
        requireDirectoryRole(request, 'user_administrator');
        const sample = request.query.sample;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', attachment(templateFileName(sample)))
          .send(templateCsv({ domain: ctx.config.tenantDomain, sample }));
      },
    );

    app.post(
      '/directory/imports',
      {
        bodyLimit: DEFAULT_MAX_BYTES,
        schema: {
          tags: ['imports'],
          summary: 'Upload and verify a user-import CSV (M365 template or Entra bulk-create); writes no user',
          querystring: z.object({ fileName: z.string().max(255).optional(), dryRun: booleanFlag }),
          response: { 201: importSummary },
        },
      },
      async (request, reply) => {
        const actor = requireDirectoryRole(request, 'user_administrator');
        const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (type && !CSV_TYPES.includes(type)) {
          throw new AppError(
            'UnsupportedMediaType',
            `The file was sent as ${type}; send it as text/csv (content-type: text/csv), the type of the Microsoft 365 template.`,
          );
        }
        const body = request.body as Readable | undefined;
        const source: AsyncIterable<Buffer> = body instanceof Readable ? body : Readable.from([]);
        let summary;
        try {
          summary = await stageImport(ctx, actor, source, {
            fileName: request.query.fileName,
            dryRun: request.query.dryRun,
          });
        } catch (error) {
          // A file refused part-way (junk, too many problems) leaves the rest of the body unread; the
          // connection would then stay busy until it times out (and hold up a graceful shutdown).
          // Discard the rest so the connection finishes the request and can be reused or closed.
          if (body instanceof Readable && !body.readableEnded) body.removeAllListeners('readable').resume();
          throw error;
        }
        return reply.status(201).header('location', `/directory/imports/${summary.id}`).send(summary);
      },
    );

    app.get(
      '/directory/imports/:id',
      {
        schema: {
          tags: ['imports'],
          summary: 'Status of an import',
          params: idParams,
          response: { 200: importSummary },
        },
      },
      async (request) => {
        requireDirectoryRole(request, 'user_administrator');
        return getImport(ctx.db, request.params.id);
      },
    );

    app.get(
      '/directory/imports/:id/problems.csv',
      {
        schema: {
          tags: ['imports'],
          summary: 'Every problem found, by row and column (CSV)',
          params: idParams,
        },
      },
      async (request, reply) => {
        requireDirectoryRole(request, 'user_administrator');
        await getImport(ctx.db, request.params.id);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', attachment(`import-${request.params.id}-problems.csv`))
          .send(Readable.from(problemsCsv(ctx.db, request.params.id)));
      },
    );

    app.post(
      '/directory/imports/:id/apply',
      {
        schema: {
          tags: ['imports'],
          summary: 'Apply a verified import: create/update users, assign one licence to all',
          params: idParams,
          body: z
            .object({
              signInAllowed: z.boolean().default(true),
              licence: z.string().min(1).max(64).optional(),
              usageLocation: z.string().length(2).optional(),
              skipInvalidRows: z.boolean().default(false),
            })
            .strict()
            .default({ signInAllowed: true, skipInvalidRows: false }),
          response: {
            200: counts.extend({ id: z.string().uuid(), resultsUrl: z.string() }),
          },
        },
      },
      async (request) => {
        const actor = requireDirectoryRole(request, 'user_administrator');
        const result = await applyImport(ctx, actor, request.params.id, request.body);
        return { ...result, resultsUrl: `/directory/imports/${result.id}/results.csv` };
      },
    );

    app.get(
      '/directory/imports/:id/results.csv',
      {
        schema: {
          tags: ['imports'],
          summary:
            'The results file with temporary passwords — downloadable once; a broken download can be started again within 15 minutes',
          params: idParams,
        },
      },
      async (request, reply) => {
        requireDirectoryRole(request, 'user_administrator');
        const results = await takeImportResults(ctx, request.params.id);
        // Sent whole (every byte handed to the connection): the passwords go. A download that
        // breaks leaves the file to be downloaded again for a while (RESULTS_RETRY_MINUTES).
        reply.raw.once('finish', () => {
          completeImportResults(ctx, request.params.id).catch((error: unknown) =>
            request.log.error({ err: error }, 'could not mark the results file taken'),
          );
        });
        return reply
          .type('text/csv; charset=utf-8')
          .header('cache-control', 'no-store')
          .header('content-disposition', attachment(results.fileName))
          .send(Readable.from(results.chunks));
      },
    );
  });
}
