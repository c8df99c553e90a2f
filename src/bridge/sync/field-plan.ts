/**
 * A mapping's fields as the sync runs them: the direction each one really flows (the mapping's
 * direction narrows the field's), how its value is read from each app into a canonical value, and
 * how a canonical value is written back. Lookups go through couplings, never through ids copied
 * across: the account's owner is the Sales user coupled to the customer's salesperson (rule A6), a
 * currency is its ISO code, a contact's company is its customer's number.
 */
import type { FieldMapping, mappings } from '../schema.js';
import { canonical, type CanonicalRecord, type CanonicalValue } from './canonical-values.js';
import type { ReconcileField } from './reconcile.js';
import type { References } from './references.js';

export type MappingRow = typeof mappings.$inferSelect;

export type FieldKind = 'plain' | 'constant' | 'owner' | 'currency' | 'parent-account' | 'person-name';

export interface PlannedField extends ReconcileField {
  erpField: string | null;
  salesAttribute: string;
  kind: FieldKind;
  constant?: string;
  /** The attribute to read from Sales (a lookup's `_x_value`). */
  salesRead: string;
  matchPriority?: number;
}

export function fieldKey(f: Pick<FieldMapping, 'erpField' | 'salesAttribute' | 'constant'>): string {
  return `${f.erpField ?? `=${f.constant ?? ''}`}>${f.salesAttribute}`;
}

function kindOf(mapping: Pick<MappingRow, 'salesEntity'>, f: FieldMapping): FieldKind {
  if (f.constant !== undefined) return 'constant';
  if (f.salesAttribute === 'ownerid') return 'owner';
  if (f.salesAttribute === 'transactioncurrencyid') return 'currency';
  if (f.salesAttribute === 'parentcustomerid') return 'parent-account';
  if (f.salesAttribute === 'fullname' && mapping.salesEntity === 'contacts') return 'person-name';
  return 'plain';
}

const LOOKUPS = new Set<FieldKind>(['owner', 'currency', 'parent-account']);

export function planFields(
  mapping: Pick<MappingRow, 'direction' | 'fields' | 'salesEntity'>,
): PlannedField[] {
  return mapping.fields.map((f) => {
    const kind = kindOf(mapping, f);
    const fieldToSales = f.direction !== 'FromSales';
    const fieldToErp = f.direction !== 'ToSales' && kind !== 'constant';
    return {
      key: fieldKey(f),
      erpField: f.erpField,
      salesAttribute: f.salesAttribute,
      kind,
      ...(f.constant !== undefined ? { constant: f.constant } : {}),
      salesRead: LOOKUPS.has(kind) ? `_${f.salesAttribute}_value` : f.salesAttribute,
      toSales: mapping.direction !== 'FromSales' && fieldToSales,
      toErp: mapping.direction !== 'ToSales' && fieldToErp,
      ...(f.matchPriority !== undefined ? { matchPriority: f.matchPriority } : {}),
    };
  });
}

/** The ERP record's values, canonical. */
export async function erpValues(
  fields: readonly PlannedField[],
  record: Record<string, unknown>,
  refs: References,
): Promise<CanonicalRecord> {
  const out: CanonicalRecord = {};
  for (const f of fields) {
    const raw = f.erpField ? record[f.erpField] : undefined;
    switch (f.kind) {
      case 'constant':
        out[f.key] = canonical(f.constant);
        break;
      case 'owner':
        out[f.key] = canonical(typeof raw === 'string' ? raw.toUpperCase() : raw);
        break;
      case 'currency':
        out[f.key] = canonical(raw) ?? (await refs.localCurrency());
        break;
      case 'parent-account':
        // A person's company contact stands for a customer: compared by the customer's number.
        out[f.key] =
          typeof raw === 'string' && raw !== ''
            ? await refs.customerNumberOfCompanyContact(
                raw,
                `ERP contact ${String(record.number ?? record.id)}`,
              )
            : null;
        break;
      default:
        out[f.key] = canonical(raw);
    }
  }
  return out;
}

/** The Sales record's values, canonical (lookups resolved through couplings). */
export async function salesValues(
  fields: readonly PlannedField[],
  record: Record<string, unknown>,
  refs: References,
  what: string,
): Promise<CanonicalRecord> {
  const out: CanonicalRecord = {};
  for (const f of fields) {
    const raw = record[f.salesRead];
    switch (f.kind) {
      case 'owner':
        out[f.key] = typeof raw === 'string' ? await refs.salespersonCodeOfUser(raw) : null;
        break;
      case 'currency':
        out[f.key] =
          typeof raw === 'string' ? await refs.currencyCodeOfSales(raw) : await refs.localCurrency();
        break;
      case 'parent-account':
        out[f.key] = typeof raw === 'string' ? await refs.customerNumberOfAccount(raw, what) : null;
        break;
      default:
        out[f.key] = canonical(raw);
    }
  }
  return out;
}

/** The ERP body that writes these fields' final values. */
export async function erpBody(
  fields: readonly PlannedField[],
  keys: readonly string[],
  final: CanonicalRecord,
  refs: References,
): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    if (!keys.includes(f.key) || !f.erpField) continue;
    const value: CanonicalValue = final[f.key] ?? null;
    switch (f.kind) {
      case 'owner':
        body[f.erpField] = value ?? '';
        break;
      case 'currency':
        body[f.erpField] = value === null || value === (await refs.localCurrency()) ? '' : value;
        break;
      case 'parent-account':
        body[f.erpField] =
          value === null
            ? ''
            : await refs.companyContactOfCustomer(
                String(value),
                `ERP contact ${String(body.displayName ?? '')}`.trim(),
              );
        break;
      default:
        body[f.erpField] = value;
    }
  }
  return body;
}

/** The Sales body that writes these fields' final values (lookups bound through couplings). */
export async function salesBody(
  fields: readonly PlannedField[],
  keys: readonly string[],
  final: CanonicalRecord,
  refs: References,
  what: string,
): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    if (!keys.includes(f.key)) continue;
    const value: CanonicalValue = final[f.key] ?? null;
    switch (f.kind) {
      case 'constant':
        body[f.salesAttribute] = f.constant;
        break;
      case 'owner': {
        const owner =
          value === null
            ? await refs.integrationUserId()
            : await refs.userOfSalespersonCode(String(value), what);
        body['ownerid@odata.bind'] = `/systemusers(${owner})`;
        break;
      }
      case 'currency':
        body['transactioncurrencyid@odata.bind'] =
          value === null
            ? null
            : `/transactioncurrencies(${await refs.salesCurrencyOfCode(String(value), what)})`;
        break;
      case 'parent-account':
        body['parentcustomerid_account@odata.bind'] =
          value === null ? null : `/accounts(${await refs.accountOfCustomerNumber(String(value), what)})`;
        break;
      case 'person-name': {
        const words = value === null ? [] : String(value).trim().split(/\s+/);
        body.lastname = words.length > 0 ? words[words.length - 1] : null;
        body.firstname = words.length > 1 ? words.slice(0, -1).join(' ') : null;
        break;
      }
      default:
        body[f.salesAttribute] = value;
    }
  }
  return body;
}
