import { and, asc, eq, isNull, notInArray } from 'drizzle-orm';
import { AppError } from '../platform/http/app-error.js';
import { recordSalesAudit } from './audit.js';
import type { SalesContext } from './context.js';
import { installRole } from './roles.js';
import { roles, solutions } from './schema.js';
import type { SalesCaller } from './security/caller.js';
import { assertPrivilege, invalidateSecurityCache } from './security/privileges.js';
import type { RoleDefinition } from './security/role-definitions.js';
import {
  compareVersions,
  solutionManifestSchema,
  type ParsedSolutionManifest,
  type SolutionManifest,
} from './solution-manifest.js';
import { lockSalesWrites } from './write-lock.js';

export interface SolutionImportResult {
  solutionid: string;
  uniquename: string;
  version: string;
  /** installed (new), upgraded (newer version), unchanged (same version: nothing done). */
  status: 'installed' | 'upgraded' | 'unchanged';
  previousVersion: string | null;
  roles: Array<{ roleid: string; name: string }>;
}

function parseManifest(input: unknown): ParsedSolutionManifest {
  const parsed = solutionManifestSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError(
      'ValidationFailed',
      'The solution manifest is not valid; see problems for each field.',
      {
        problems: parsed.error.issues.map((issue) => ({
          field: issue.path.join('.') || '(manifest)',
          message: issue.message,
        })),
      },
    );
  }
  return parsed.data;
}

function roleDefinitions(manifest: ParsedSolutionManifest): RoleDefinition[] {
  const keys = new Set<string>();
  return manifest.roles.map((role) => {
    const key = role.key ?? `${manifest.uniquename}:${role.name}`.toLowerCase();
    if (keys.has(key)) {
      throw new AppError(
        'ValidationFailed',
        `The solution ${manifest.uniquename} defines the role "${role.name}" twice.`,
      );
    }
    keys.add(key);
    return {
      key,
      name: role.name,
      description: role.description ?? '',
      iscustomizable: true,
      privileges: role.privileges,
    };
  });
}

/**
 * Imports a solution (its roles with their privileges, and the columns it records). Needs
 * prvImportCustomization (System Customizer or System Administrator) — not the role-editing
 * privileges: deploying roles through a solution is what customisers do. Versioned and idempotent:
 * the same version changes nothing, a newer one upgrades the roles' privileges (and removes roles
 * the new version no longer has), an older one is refused.
 */
export async function importSolution(
  ctx: SalesContext,
  caller: SalesCaller,
  input: SolutionManifest | unknown,
): Promise<SolutionImportResult> {
  await assertPrivilege(ctx, caller, 'prvImportCustomization');
  const manifest = parseManifest(input);
  const definitions = roleDefinitions(manifest);
  const result = await ctx.db.transaction(async (tx) => {
    await lockSalesWrites(tx);
    const [existing] = await tx.select().from(solutions).where(eq(solutions.uniquename, manifest.uniquename));
    if (existing) {
      const order = compareVersions(manifest.version, existing.version);
      if (order === 0) {
        const held = await tx
          .select({ roleid: roles.roleid, name: roles.name })
          .from(roles)
          .where(and(eq(roles.solutionid, existing.solutionid), isNull(roles.parentrootroleid)))
          .orderBy(asc(roles.name));
        return {
          solutionid: existing.solutionid,
          uniquename: existing.uniquename,
          version: existing.version,
          status: 'unchanged' as const,
          previousVersion: existing.version,
          roles: held,
        };
      }
      if (order < 0) {
        throw new AppError(
          'Conflict',
          `The solution ${manifest.uniquename} version ${manifest.version} is older than the installed version ${existing.version}. Import version ${existing.version} or newer; a solution cannot be downgraded.`,
        );
      }
    }
    let solutionId: string;
    if (existing) {
      solutionId = existing.solutionid;
      await tx
        .update(solutions)
        .set({
          friendlyname: manifest.friendlyname,
          version: manifest.version,
          manifest: manifest as unknown as Record<string, unknown>,
          modifiedby: caller.systemUserId,
        })
        .where(eq(solutions.solutionid, solutionId));
    } else {
      const [created] = await tx
        .insert(solutions)
        .values({
          uniquename: manifest.uniquename,
          friendlyname: manifest.friendlyname,
          version: manifest.version,
          manifest: manifest as unknown as Record<string, unknown>,
          createdby: caller.systemUserId,
          modifiedby: caller.systemUserId,
        })
        .returning({ id: solutions.solutionid });
      solutionId = created!.id;
    }
    const installed: Array<{ roleid: string; name: string }> = [];
    for (const definition of definitions) {
      const roleid = await installRole(tx, definition, {
        solutionId,
        ismanaged: true,
        actorId: caller.systemUserId,
      });
      installed.push({ roleid, name: definition.name });
    }
    // A managed solution's upgrade removes the roles its new version no longer brings.
    const keep = definitions.map((d) => d.key);
    await tx
      .delete(roles)
      .where(
        keep.length > 0
          ? and(eq(roles.solutionid, solutionId), notInArray(roles.roletemplatekey, keep))
          : eq(roles.solutionid, solutionId),
      );
    await recordSalesAudit(tx, caller, {
      action: existing ? 'solution.upgrade' : 'solution.import',
      targetType: 'solution',
      targetId: solutionId,
      details: {
        uniquename: manifest.uniquename,
        version: manifest.version,
        previousVersion: existing?.version ?? null,
        roles: definitions.map((d) => d.name),
        columns: manifest.columns.length,
      },
    });
    return {
      solutionid: solutionId,
      uniquename: manifest.uniquename,
      version: manifest.version,
      status: existing ? ('upgraded' as const) : ('installed' as const),
      previousVersion: existing?.version ?? null,
      roles: installed.sort((a, b) => a.name.localeCompare(b.name)),
    };
  });
  if (result.status !== 'unchanged') invalidateSecurityCache(ctx);
  return result;
}

/** Installed solutions, by unique name. */
export async function listSolutions(ctx: SalesContext) {
  return ctx.db.select().from(solutions).orderBy(asc(solutions.uniquename));
}
