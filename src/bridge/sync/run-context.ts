import { randomUUID } from 'node:crypto';
import type { Database } from '../../platform/db/database.js';
import type { RecordPredicate } from '../../platform/odata/filter-evaluate.js';
import type { SyncCounts } from '../schema.js';
import type { MappingRow, PlannedField } from './field-plan.js';
import type { SyncSide } from './reconcile.js';
import type { References } from './references.js';
import type { RecordSide } from './sides.js';
import type { Lease } from './sync-bookkeeping.js';

/** Everything one run of one mapping works with. */
export interface RunContext {
  db: Database;
  lease: Lease;
  mapping: MappingRow;
  fields: PlannedField[];
  sides: Record<SyncSide, RecordSide>;
  filters: Record<SyncSide, RecordPredicate>;
  /** Values a record created on that side is given so that it passes that side's filter. */
  createDefaults: Record<SyncSide, Record<string, unknown>>;
  refs: References;
  /** Who the integration identity is on each side (rule A3: its own changes are never sent back). */
  integrationIds: Record<SyncSide, string | null>;
  /** Full runs create counterparts even when the mapping synchronises only coupled records. */
  full: boolean;
  counts: { toSales: SyncCounts; toErp: SyncCounts };
  /** Draws the id a new record is created with (recorded before the create; tests may fix it). */
  newId: () => string;
}

export const other = (side: SyncSide): SyncSide => (side === 'erp' ? 'sales' : 'erp');

/** The counts of the direction that writes to `destination`. */
export function countsTo(run: RunContext, destination: SyncSide): SyncCounts {
  return destination === 'sales' ? run.counts.toSales : run.counts.toErp;
}

export const defaultNewId = () => randomUUID();

const ERP_NAMES: Record<string, string> = {
  customers: 'customer',
  contacts: 'contact',
  items: 'item',
  currencies: 'currency',
  salespeoplePurchasers: 'salesperson',
  opportunities: 'opportunity',
};

const SALES_NAMES: Record<string, string> = {
  accounts: 'account',
  contacts: 'contact',
  products: 'product',
  transactioncurrencies: 'currency',
  systemusers: 'user',
  opportunities: 'opportunity',
};

/** "ERP customer 10000 Adatum" / "Sales account Adatum (id …)": how messages name a record. */
export function describeRecord(
  run: RunContext,
  side: SyncSide,
  id: string,
  data?: Record<string, unknown>,
): string {
  const set = run.sides[side].entitySet;
  if (side === 'erp') {
    const noun = ERP_NAMES[set] ?? set;
    const key = data?.number ?? data?.code;
    const name = data?.displayName ?? data?.description;
    const label = [key, name].filter((v) => typeof v === 'string' && v !== '').join(' ');
    return `ERP ${noun} ${label || id}`;
  }
  const noun = SALES_NAMES[set] ?? set;
  const name = data?.name ?? data?.fullname ?? data?.isocurrencycode ?? data?.accountnumber;
  return typeof name === 'string' && name !== '' ? `Sales ${noun} ${name}` : `Sales ${noun} ${id}`;
}
