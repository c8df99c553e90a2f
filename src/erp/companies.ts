import { asc, eq, sql } from 'drizzle-orm';
import type { Queryable, Transaction } from '../platform/db/database.js';
import { audit } from './audit.js';
import { erpError } from './errors.js';
import { createDefaultSeries } from './number-series.js';
import { companies, currencies, SYSTEM_ACTOR } from './schema.js';
import { lockCompanyWrites } from './write-lock.js';

/** Well-known local currencies: the description and symbol the LCY currency record gets. */
const KNOWN_CURRENCIES: Record<string, { displayName: string; symbol: string }> = {
  USD: { displayName: 'US dollar', symbol: '$' },
  EUR: { displayName: 'Euro', symbol: '€' },
  GBP: { displayName: 'Pound sterling', symbol: '£' },
  CAD: { displayName: 'Canadian dollar', symbol: '$' },
  DKK: { displayName: 'Danish krone', symbol: 'kr.' },
};

export type CompanyRow = typeof companies.$inferSelect;

export async function listCompanies(q: Queryable): Promise<CompanyRow[]> {
  return q.select().from(companies).orderBy(asc(companies.name));
}

export async function findCompany(q: Queryable, id: string): Promise<CompanyRow | undefined> {
  const [row] = await q.select().from(companies).where(eq(companies.id, id));
  return row;
}

/**
 * A new company with its local currency and number series. The name is the company's key (BC's
 * `name`, ≤ 30 characters); the display name is what people see.
 */
export async function createCompany(
  tx: Transaction,
  input: { name: string; displayName?: string; lcyCode: string; id?: string },
  actor: { id: string; name: string },
): Promise<CompanyRow> {
  const name = input.name.trim();
  if (!name || name.length > 30)
    throw erpError(
      'BadRequest',
      'Application_StringExceededLength',
      `A company name must be 1 to 30 characters; '${name}' has ${name.length}.`,
    );
  const lcy = input.lcyCode.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(lcy))
    throw erpError(
      'BadRequest',
      'BadRequest',
      `The local currency must be an ISO 4217 code such as USD, not '${input.lcyCode}'.`,
    );
  const [clash] = await tx
    .select({ id: companies.id })
    .from(companies)
    .where(sql`lower(${companies.name}) = lower(${name})`);
  if (clash)
    throw erpError(
      'AlreadyExists',
      'Internal_EntityWithSameKeyExists',
      `The Company already exists. Identification fields and values: Name='${name}'.`,
    );
  const [company] = await tx
    .insert(companies)
    .values({
      ...(input.id ? { id: input.id } : {}),
      name,
      displayName: input.displayName?.trim() || name,
      lcyCode: lcy,
      createdBy: actor.id,
      modifiedBy: actor.id,
    })
    .returning();
  await createDefaultSeries(tx, company!.id);
  await lockCompanyWrites(tx, [company!.id]);
  const known = KNOWN_CURRENCIES[lcy] ?? { displayName: lcy, symbol: '' };
  await tx.insert(currencies).values({ companyId: company!.id, code: lcy, ...known, modifiedBy: actor.id });
  await audit(tx, {
    actorId: actor.id,
    actorName: actor.name,
    action: 'company.create',
    targetType: 'company',
    targetId: company!.id,
    details: { name, lcy },
  });
  return company!;
}

/** First start: the default company (TANDEM_COMPANY_NAME, TANDEM_LCY), created once. */
export async function ensureDefaultCompany(
  q: Queryable & { transaction: Transaction['transaction'] },
  name: string,
  lcyCode: string,
): Promise<void> {
  await q.transaction(async (tx) => {
    // Several processes may start together on PostgreSQL: one creates, the others see it.
    await tx.execute(sql`select pg_advisory_xact_lock(7246021)`);
    const [any] = await tx.select({ id: companies.id }).from(companies).limit(1);
    if (any) return;
    await createCompany(
      tx,
      { name: name.slice(0, 30), displayName: name, lcyCode },
      { id: SYSTEM_ACTOR, name: 'Tandem' },
    );
  });
}
