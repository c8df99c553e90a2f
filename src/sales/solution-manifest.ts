import { z } from 'zod';
import { DEPTHS, RIGHTS, SECURED_TABLES } from './security/depth.js';

const tableNames = Object.keys(SECURED_TABLES) as [string, ...string[]];

const recordPrivilege = z.object({
  table: z.enum(tableNames as [keyof typeof SECURED_TABLES, ...(keyof typeof SECURED_TABLES)[]]),
  right: z.enum(RIGHTS),
  depth: z.enum(DEPTHS),
});
const specialPrivilege = z.object({ privilege: z.string().regex(/^prv[A-Za-z]+$/), depth: z.enum(DEPTHS) });

/** A solution as imported: its identity, the roles it brings and the columns it adds. */
export const solutionManifestSchema = z.object({
  uniquename: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,64}$/, 'a letter, then letters, digits or _ (at most 65)'),
  friendlyname: z.string().min(1).max(256),
  version: z.string().regex(/^\d+(\.\d+){1,3}$/, 'dotted numbers such as 1.0.0.0'),
  publisher: z.string().max(100).optional(),
  description: z.string().max(2000).optional(),
  roles: z
    .array(
      z.object({
        /** Stable key; defaults to the solution's unique name and the role name. */
        key: z.string().min(1).max(100).optional(),
        name: z.string().min(1).max(100),
        description: z.string().max(2000).optional(),
        privileges: z.array(z.union([recordPrivilege, specialPrivilege])),
      }),
    )
    .default([]),
  /** Columns the solution adds: recorded with the solution (the tables themselves are fixed). */
  columns: z
    .array(
      z.object({
        table: z.string().min(1).max(64),
        logicalname: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
        type: z.enum(['string', 'integer', 'decimal', 'money', 'boolean', 'datetime', 'lookup']),
        maxlength: z.number().int().positive().optional(),
      }),
    )
    .default([]),
});

export type SolutionManifest = z.input<typeof solutionManifestSchema>;
export type ParsedSolutionManifest = z.output<typeof solutionManifestSchema>;

/** Compares dotted versions numerically (1.10 > 1.9); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
