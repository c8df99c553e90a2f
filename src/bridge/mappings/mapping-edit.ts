/**
 * Editing a table mapping: direction, fields, filters, policies, dependencies, enabled. An edit is
 * checked before it is stored — filters parse, dependencies exist without a cycle, and every field is
 * asked of both apps' public APIs as the integration identity (a `$select` of the named properties,
 * which both refuse for a property they do not have) — and a refusal names the property and what the
 * app said. Stored edits mark the mapping as no longer default; "reset" restores the shipped one.
 */
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { AppError, type FieldProblem } from '../../platform/http/app-error.js';
import { compileRecordFilter } from '../../platform/odata/filter-evaluate.js';
import { recordBridgeAudit } from '../audit.js';
import { RemoteApiError } from '../clients/index.js';
import { loadConnection } from '../connection.js';
import type { BridgeActor, BridgeContext } from '../context.js';
import { integrationClients } from '../remote.js';
import { mappings } from '../schema.js';
import { salesKeyAttribute } from '../sync/run-mapping.js';
import { DEFAULT_MAPPINGS } from './default-mappings.js';
import { listMappings } from './mappings.js';

const direction = z.enum(['ToSales', 'FromSales', 'Bidirectional']);

export const fieldMappingSchema = z.strictObject({
  erpField: z.string().min(1).max(100).nullable(),
  salesAttribute: z.string().min(1).max(100),
  direction,
  constant: z.string().max(500).optional(),
  matchPriority: z.number().int().min(0).max(100).optional(),
});

export const mappingEditSchema = z.strictObject({
  direction: direction.optional(),
  fields: z.array(fieldMappingSchema).min(1).max(200).optional(),
  erpFilter: z.string().max(2000).nullable().optional(),
  salesFilter: z.string().max(2000).nullable().optional(),
  dependsOn: z.array(z.string().min(1).max(100)).max(50).optional(),
  conflictPolicy: z.enum(['Fail', 'ErpWins', 'SalesWins', 'Merge']).optional(),
  mergeTieBreak: z.enum(['Fail', 'ErpWins', 'SalesWins']).optional(),
  deletionPolicy: z.enum(['None', 'Restore', 'RemoveCoupling', 'Propagate']).optional(),
  syncOnlyCoupled: z.boolean().optional(),
  skipAfterFailures: z.number().int().min(0).max(1000).optional(),
  enabled: z.boolean().optional(),
});

export type MappingEdit = z.infer<typeof mappingEditSchema>;

export async function getMapping(ctx: BridgeContext, name: string) {
  const found = (await listMappings(ctx.db)).find((m) => m.name === name);
  if (!found) {
    const names = (await listMappings(ctx.db)).map((m) => m.name);
    throw new AppError(
      'NotFound',
      `There is no mapping ${name}. The mappings are: ${names.join(', ') || 'none yet'}.`,
    );
  }
  return found;
}

function checkFilter(
  field: 'erpFilter' | 'salesFilter',
  filter: string | null | undefined,
  problems: FieldProblem[],
) {
  try {
    compileRecordFilter(filter);
  } catch (error) {
    problems.push({ field, message: error instanceof Error ? error.message : String(error) });
  }
}

/** Asks an app whether it has these properties; the app's refusal becomes the problem's message. */
async function checkProperties(
  problems: FieldProblem[],
  field: string,
  properties: string[],
  ask: (select: string[]) => Promise<unknown>,
  app: string,
) {
  if (properties.length === 0) return;
  try {
    await ask(properties);
  } catch (error) {
    if (!(error instanceof RemoteApiError) || error.status !== 400) throw error;
    problems.push({ field, message: `${app} has no such property: ${error.remoteMessage ?? error.message}` });
  }
}

export async function editMapping(ctx: BridgeContext, actor: BridgeActor, name: string, edit: MappingEdit) {
  const current = await getMapping(ctx, name);
  const next = { ...current, ...edit };
  const problems: FieldProblem[] = [];
  checkFilter('erpFilter', next.erpFilter, problems);
  checkFilter('salesFilter', next.salesFilter, problems);
  const all = await listMappings(ctx.db);
  for (const dependency of next.dependsOn)
    if (!all.some((m) => m.name === dependency))
      problems.push({ field: 'dependsOn', message: `There is no mapping ${dependency} to depend on.` });
  // A cycle: a mapping this one depends on (transitively) depends on it.
  const dependsOn = (from: string, seen = new Set<string>()): boolean => {
    if (seen.has(from)) return false;
    seen.add(from);
    const deps = from === name ? next.dependsOn : (all.find((m) => m.name === from)?.dependsOn ?? []);
    return deps.some((d) => d === name || dependsOn(d, seen));
  };
  if (next.dependsOn.some((d) => d === name || dependsOn(d)))
    problems.push({
      field: 'dependsOn',
      message: `${name} would depend on itself through ${next.dependsOn.join(', ')}.`,
    });
  next.fields.forEach((f, i) => {
    if (f.constant !== undefined && f.direction !== 'ToSales')
      problems.push({
        field: `fields.${i}.direction`,
        message: 'A constant is written to Sales only: use direction ToSales.',
      });
    if (f.erpField === null && f.constant === undefined)
      problems.push({
        field: `fields.${i}.erpField`,
        message: 'Name the ERP field, or give a constant for the Sales attribute.',
      });
  });
  if (edit.fields || edit.direction) {
    const connection = await loadConnection(ctx.db);
    const clients = integrationClients(ctx, connection);
    const lookups = new Set(['ownerid', 'transactioncurrencyid', 'parentcustomerid']);
    const salesProps = [
      ...new Set(
        next.fields.map((f) =>
          lookups.has(f.salesAttribute) ? `_${f.salesAttribute}_value` : f.salesAttribute,
        ),
      ),
    ];
    const erpProps = [...new Set(next.fields.map((f) => f.erpField).filter((f): f is string => Boolean(f)))];
    await checkProperties(
      problems,
      'fields',
      erpProps,
      (select) =>
        clients.erp.list(connection.erpCompanyId!, next.erpEntity, { top: 1, select: ['id', ...select] }),
      'The ERP',
    );
    await checkProperties(
      problems,
      'fields',
      salesProps,
      (select) =>
        clients.sales.http.request('GET', next.salesEntity, {
          query: { $top: 1, $select: [salesKeyAttribute(next.salesEntity), ...select].join(',') },
        }),
      'Sales',
    );
  }
  if (problems.length > 0)
    throw new AppError(
      'ValidationFailed',
      `The edit of mapping ${name} was not saved: ${problems.map((p) => `${p.field}: ${p.message}`).join(' ')}`,
      { problems },
    );
  await ctx.db
    .update(mappings)
    .set({ ...edit, isDefault: false, modifiedAt: sql`now()` })
    .where(eq(mappings.name, name));
  await recordBridgeAudit(ctx.db, actor, 'mapping.edit', { mapping: name, changed: Object.keys(edit) });
  return getMapping(ctx, name);
}

/** Restores one mapping as shipped (its couplings stay). */
export async function resetMapping(ctx: BridgeContext, actor: BridgeActor, name: string) {
  const shipped = DEFAULT_MAPPINGS.find((m) => m.name === name);
  if (!shipped)
    throw new AppError(
      'NotFound',
      `${name} is not a default mapping, so it has no shipped version to reset to.`,
    );
  await ctx.db
    .insert(mappings)
    .values({ ...shipped, isDefault: true, enabled: true })
    .onConflictDoUpdate({
      target: mappings.name,
      set: {
        ...shipped,
        isDefault: true,
        enabled: true,
        mergeTieBreak: 'Fail',
        skipAfterFailures: 2,
        modifiedAt: sql`now()`,
      },
    });
  await recordBridgeAudit(ctx.db, actor, 'mapping.reset', { mapping: name });
  return getMapping(ctx, name);
}
