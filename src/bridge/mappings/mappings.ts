import { asc, inArray } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/database.js';
import { mappings } from '../schema.js';
import { DEFAULT_MAPPINGS } from './default-mappings.js';

/** Records the default mappings that are missing; existing ones (possibly edited) are kept. */
export async function recordDefaultMappings(q: Queryable): Promise<{ added: string[] }> {
  const added = await q
    .insert(mappings)
    .values(DEFAULT_MAPPINGS.map((m) => ({ ...m, isDefault: true, enabled: true })))
    .onConflictDoNothing()
    .returning({ name: mappings.name });
  return { added: added.map((m) => m.name) };
}

/** Restores every default mapping as shipped (edits lost), and removes mappings that are not defaults. */
export async function resetDefaultMappings(q: Queryable): Promise<{ reset: string[]; removed: string[] }> {
  const all = await q.select({ name: mappings.name }).from(mappings);
  const defaults = new Set(DEFAULT_MAPPINGS.map((m) => m.name));
  const removed = all.map((m) => m.name).filter((name) => !defaults.has(name));
  if (all.length > 0)
    await q.delete(mappings).where(
      inArray(
        mappings.name,
        all.map((m) => m.name),
      ),
    );
  await q.insert(mappings).values(DEFAULT_MAPPINGS.map((m) => ({ ...m, isDefault: true, enabled: true })));
  return { reset: [...defaults], removed };
}

/** Mappings in dependency order (a mapping after those it depends on). */
export async function listMappings(q: Queryable) {
  const rows = await q.select().from(mappings).orderBy(asc(mappings.name));
  const byName = new Map(rows.map((r) => [r.name, r]));
  const ordered: typeof rows = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const row = byName.get(name);
    if (!row) return;
    for (const dependency of row.dependsOn) visit(dependency);
    ordered.push(row);
  };
  for (const row of rows) visit(row.name);
  return ordered.map((r) => ({ ...r, modifiedAt: r.modifiedAt.toISOString() }));
}
