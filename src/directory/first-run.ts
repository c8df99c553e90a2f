import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { generateTemporaryPassword, hashPassword } from '../platform/security/passwords.js';
import { recordAudit } from './audit.js';
import type { DirectoryContext } from './context.js';
import { domains, nextRowVersion, settings, skus, SYSTEM_ACTOR, users } from './schema.js';

/** Well-known Graph skuIds, so tokens and exports match Microsoft's where the SKU is Microsoft's. */
const KNOWN_SKU_IDS: Record<string, string> = {
  DYN365_ENTERPRISE_PLAN1: 'ea126fc5-a19e-42e2-a731-da9d437bffcf',
};

export interface TenantBootstrap {
  tenantId: string;
  /** True when this start created the tenant. */
  created: boolean;
  adminUpn: string;
  /** Present only when this start generated the administrator's password: print it once. */
  generatedAdminPassword?: string;
}

const SYSTEM = { id: SYSTEM_ACTOR, name: 'Tandem (first run)' };

/**
 * Creates the tenant on first start (verified domain, Global administrator, licence SKUs) and on
 * later starts adds SKUs newly configured and applies changed seat counts. Safe when several
 * processes start at once on PostgreSQL: an advisory lock serialises them.
 */
export async function bootstrapTenant(ctx: DirectoryContext): Promise<TenantBootstrap> {
  const { config } = ctx;
  // Hash outside the transaction: scrypt is slow and the lock should be short.
  const generated = config.adminPassword ? undefined : generateTemporaryPassword();
  const adminHash = await hashPassword(config.adminPassword ?? generated!);

  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7246001)`);
    const existing = await tx.select().from(settings).where(eq(settings.key, 'tenant'));
    let tenantId: string;
    let created = false;
    if (existing[0]) {
      tenantId = (existing[0].value as { id: string }).id;
    } else {
      created = true;
      tenantId = crypto.randomUUID();
      await tx.insert(settings).values({ key: 'tenant', value: { id: tenantId, name: config.tenantName } });
      await tx
        .insert(domains)
        .values({ name: config.tenantDomain, isDefault: true, modifiedBy: SYSTEM_ACTOR });
      await tx.insert(users).values({
        userPrincipalName: config.adminUpn,
        displayName: 'Tandem Administrator',
        firstName: 'Tandem',
        lastName: 'Administrator',
        directoryRole: 'global_administrator',
        passwordHash: adminHash,
        mustChangePassword: false,
        passwordChangedAt: new Date(),
        modifiedBy: SYSTEM_ACTOR,
      });
      await recordAudit(tx, SYSTEM, {
        action: 'tenant.created',
        targetType: 'tenant',
        targetId: tenantId,
        details: { domain: config.tenantDomain, administrator: config.adminUpn },
      });
    }

    for (const seed of config.licences) {
      const [current] = await tx.select().from(skus).where(eq(skus.partNumber, seed.partNumber));
      if (!current) {
        await tx.insert(skus).values({
          ...(KNOWN_SKU_IDS[seed.partNumber] ? { id: KNOWN_SKU_IDS[seed.partNumber] } : {}),
          partNumber: seed.partNumber,
          name: seed.name,
          seats: seed.seats,
          modifiedBy: SYSTEM_ACTOR,
        });
        await recordAudit(tx, SYSTEM, {
          action: 'licence.added',
          targetType: 'sku',
          targetId: seed.partNumber,
          details: { seats: seed.seats },
        });
      } else if (current.seats !== seed.seats) {
        // Never below what is already assigned: removing seats would silently over-assign.
        const seats = Math.max(seed.seats, current.consumed);
        await tx
          .update(skus)
          .set({ seats, modifiedAt: new Date(), modifiedBy: SYSTEM_ACTOR, rowVersion: nextRowVersion })
          .where(eq(skus.id, current.id));
        await recordAudit(tx, SYSTEM, {
          action: 'licence.seats_changed',
          targetType: 'sku',
          targetId: seed.partNumber,
          details: { from: current.seats, to: seats, requested: seed.seats },
        });
      }
    }
    return {
      tenantId,
      created,
      adminUpn: config.adminUpn,
      ...(created && generated ? { generatedAdminPassword: generated } : {}),
    };
  });
}
