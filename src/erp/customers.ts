import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Transaction } from '../platform/db/database.js';
import { erpError } from './errors.js';
import { odataEntity, type FieldSpec, type RecordEntity } from './record-entity.js';
import { invalidRelation, ZERO_GUID } from './references.js';
import { currencyEntity } from './currencies.js';
import { paymentTermEntity } from './payment-terms.js';
import { companies, currencies, customers, paymentTerms, salespeople } from './schema.js';

const t = customers;

/** BC's customer blocked options: ' ' (not blocked), Ship, Invoice, All. */
export const CUSTOMER_BLOCKED = [' ', 'Ship', 'Invoice', 'All'] as const;

/**
 * BC shows a customer in the local currency with the LCY code and a zero currencyId, though it stores
 * a blank currency code; Tandem does the same.
 */
const currencyCodeSql = sql`(case when ${t.currencyCode} = '' then (select co.lcy_code from erp.companies co where co.id = ${t.companyId}) else ${t.currencyCode} end)`;
const currencyIdSql = sql`(case when ${t.currencyCode} = '' then ${ZERO_GUID}::uuid else coalesce((select cu.id from erp.currencies cu where cu.company_id = ${t.companyId} and cu.code = ${t.currencyCode}), ${ZERO_GUID}::uuid) end)`;
const paymentTermsIdSql = sql`coalesce((select pt.id from erp.payment_terms pt where pt.company_id = ${t.companyId} and pt.code = ${t.paymentTermsCode}), ${ZERO_GUID}::uuid)`;

/**
 * What a customer's references resolve to in its company, loaded once for any number of customers
 * (a $batch checks its creates together: one query per referenced table instead of one per record).
 */
interface CustomerReferences {
  localCurrency: string;
  /** Currency id → code, and the codes that exist. */
  currencyCodeById: Map<string, string>;
  currencyCodes: Set<string>;
  /** Payment terms id → code. */
  paymentTermsCodeById: Map<string, string>;
  salespeople: Map<string, { blocked: boolean; privacyBlocked: boolean }>;
}

function textsOf(valuesList: Record<string, unknown>[], key: string): string[] {
  const out = new Set<string>();
  for (const values of valuesList) {
    const value = values[key];
    if (typeof value === 'string' && value !== '' && value !== ZERO_GUID) out.add(value);
  }
  return [...out];
}

/** `column = any(texts)` with the texts as one JSON parameter (codes may hold commas). */
function anyText(column: SQL, texts: string[]): SQL {
  return sql`${column} in (select jsonb_array_elements_text(${JSON.stringify(texts)}::jsonb))`;
}

async function loadCustomerReferences(
  tx: Transaction,
  companyId: string,
  valuesList: Record<string, unknown>[],
): Promise<CustomerReferences> {
  const currencyIds = textsOf(valuesList, '@currencyId');
  const currencyCodes = textsOf(valuesList, 'currencyCode');
  const paymentTermsIds = textsOf(valuesList, '@paymentTermsId');
  const salespersonCodes = textsOf(valuesList, 'salespersonCode');
  // The local currency matters only to records that name a currency.
  const namesCurrency = valuesList.some((v) => v['@currencyId'] !== undefined || v.currencyCode);
  const [company] = namesCurrency
    ? await queryRows<{ lcy: string }>(
        tx,
        sql`select ${companies.lcyCode} as lcy from ${companies} where ${companies.id} = ${companyId}::uuid`,
      )
    : [];
  const references: CustomerReferences = {
    localCurrency: company?.lcy ?? '',
    currencyCodeById: new Map(),
    currencyCodes: new Set(),
    paymentTermsCodeById: new Map(),
    salespeople: new Map(),
  };
  if (currencyIds.length > 0 || currencyCodes.length > 0) {
    const rows = await queryRows<{ id: string; code: string }>(
      tx,
      sql`select ${currencies.id} as id, ${currencies.code} as code from ${currencies}
        where ${currencies.companyId} = ${companyId}::uuid
          and (${anyText(sql`${currencies.id}::text`, currencyIds)} or ${anyText(sql`${currencies.code}`, currencyCodes)})`,
    );
    for (const row of rows) {
      references.currencyCodeById.set(row.id, row.code);
      references.currencyCodes.add(row.code);
    }
  }
  if (paymentTermsIds.length > 0) {
    const rows = await queryRows<{ id: string; code: string }>(
      tx,
      sql`select ${paymentTerms.id} as id, ${paymentTerms.code} as code from ${paymentTerms}
        where ${paymentTerms.companyId} = ${companyId}::uuid and ${anyText(sql`${paymentTerms.id}::text`, paymentTermsIds)}`,
    );
    for (const row of rows) references.paymentTermsCodeById.set(row.id, row.code);
  }
  if (salespersonCodes.length > 0) {
    const rows = await queryRows<{ code: string; blocked: boolean; privacyBlocked: boolean }>(
      tx,
      sql`select ${salespeople.code} as code, ${salespeople.blocked} as blocked, ${salespeople.privacyBlocked} as "privacyBlocked"
        from ${salespeople}
        where ${salespeople.companyId} = ${companyId}::uuid and ${anyText(sql`${salespeople.code}`, salespersonCodes)}`,
    );
    for (const row of rows) references.salespeople.set(row.code, row);
  }
  return references;
}

/** Resolves and checks one customer's references (throws the BC error), as BC validates the fields. */
function applyCustomerReferences(values: Record<string, unknown>, references: CustomerReferences): void {
  // currencyId / currencyCode: a zero id or the LCY code mean the local currency (stored blank).
  const currencyId = values['@currencyId'] as string | undefined;
  if (currencyId !== undefined) {
    let code = '';
    if (currencyId !== ZERO_GUID) {
      const found = references.currencyCodeById.get(currencyId);
      if (found === undefined)
        throw invalidRelation(
          'currencyId',
          'Customer|Currency',
          currencyId,
          'Use the id of a currency of this company (GET …/currencies), or a zero GUID for the local currency.',
        );
      code = found;
    }
    const given = values.currencyCode as string | undefined;
    if (
      given !== undefined &&
      given !== '' &&
      given !== code &&
      !(code === '' && given === references.localCurrency)
    )
      throw erpError(
        'BadRequest',
        'Application_FieldValidationException',
        `currencyId and currencyCode name different currencies ('${code || 'local currency'}' and '${given}'). Send one of them.`,
      );
    values.currencyCode = code;
  }
  const currencyCode = values.currencyCode as string | undefined;
  if (currencyCode) {
    const lcy = references.localCurrency;
    if (currencyCode === lcy) values.currencyCode = '';
    else if (!references.currencyCodes.has(currencyCode))
      throw invalidRelation(
        'Currency Code',
        'Customer|Currency',
        currencyCode,
        `Create currency ${currencyCode} first (POST …/currencies), or leave currencyCode blank for the local currency ${lcy}.`,
      );
  }
  const paymentTermsId = values['@paymentTermsId'] as string | undefined;
  if (paymentTermsId !== undefined) {
    if (paymentTermsId === ZERO_GUID) values.paymentTermsCode = '';
    else {
      const code = references.paymentTermsCodeById.get(paymentTermsId);
      if (code === undefined)
        throw invalidRelation(
          'paymentTermsId',
          'Customer|Payment Terms',
          paymentTermsId,
          'Use the id of payment terms of this company (GET …/paymentTerms).',
        );
      values.paymentTermsCode = code;
    }
  }
  const salespersonCode = values.salespersonCode as string | undefined;
  if (salespersonCode) {
    const person = references.salespeople.get(salespersonCode);
    if (!person)
      throw invalidRelation(
        'Salesperson Code',
        'Customer|Salesperson/Purchaser',
        salespersonCode,
        `Create salesperson ${salespersonCode} first (POST …/salespeoplePurchasers), or choose an existing one.`,
      );
    if (person.blocked || person.privacyBlocked)
      throw erpError(
        'BadRequest',
        'Application_FieldValidationException',
        `Salesperson/Purchaser ${salespersonCode} is ${person.privacyBlocked ? 'privacy blocked' : 'blocked'}, so it cannot be assigned to a customer. Unblock it or choose another salesperson.`,
      );
  }
}

/** Customers as BC API v2.0 shows them (resource type `customer`). */
export const CUSTOMER_FIELDS: readonly FieldSpec[] = [
  { name: 'id', type: 'guid', column: t.id, readOnly: true },
  { name: 'number', type: 'string', column: t.number, maxLength: 20, upper: true },
  { name: 'displayName', type: 'string', column: t.displayName, maxLength: 100 },
  { name: 'type', type: 'string', column: t.type, values: ['Company', 'Person'] },
  { name: 'addressLine1', type: 'string', column: t.addressLine1, maxLength: 100 },
  { name: 'addressLine2', type: 'string', column: t.addressLine2, maxLength: 50 },
  { name: 'city', type: 'string', column: t.city, maxLength: 30 },
  { name: 'state', type: 'string', column: t.state, maxLength: 30 },
  { name: 'country', type: 'string', column: t.country, maxLength: 10, upper: true },
  { name: 'postalCode', type: 'string', column: t.postalCode, maxLength: 20, upper: true },
  { name: 'phoneNumber', type: 'string', column: t.phoneNumber, maxLength: 30 },
  { name: 'email', type: 'string', column: t.email, maxLength: 80 },
  { name: 'website', type: 'string', column: t.website, maxLength: 80 },
  { name: 'salespersonCode', type: 'string', column: t.salespersonCode, maxLength: 20, upper: true },
  { name: 'balanceDue', type: 'decimal', read: sql`0`, readOnly: true },
  { name: 'creditLimit', type: 'decimal', column: t.creditLimit },
  { name: 'taxLiable', type: 'boolean', column: t.taxLiable },
  { name: 'taxAreaId', type: 'guid', column: t.taxAreaId },
  { name: 'taxAreaDisplayName', type: 'string', read: sql`''`, readOnly: true },
  { name: 'taxRegistrationNumber', type: 'string', column: t.taxRegistrationNumber, maxLength: 20 },
  { name: 'currencyId', type: 'guid', read: currencyIdSql, virtual: true },
  {
    name: 'currencyCode',
    type: 'string',
    column: t.currencyCode,
    read: currencyCodeSql,
    maxLength: 10,
    upper: true,
  },
  { name: 'paymentTermsId', type: 'guid', read: paymentTermsIdSql, virtual: true },
  { name: 'shipmentMethodId', type: 'guid', column: t.shipmentMethodId },
  { name: 'paymentMethodId', type: 'guid', column: t.paymentMethodId },
  { name: 'blocked', type: 'string', column: t.blocked, values: CUSTOMER_BLOCKED },
  { name: 'lastModifiedDateTime', type: 'datetime', column: t.modifiedAt, readOnly: true },
];

export const customerEntity: RecordEntity = {
  entitySet: 'customers',
  entityName: 'customer',
  caption: 'Customer',
  object: 'customer',
  table: t,
  keyField: 'number',
  keyCaption: 'No.',
  numberSeries: 'CUST',
  fields: CUSTOMER_FIELDS,
  odata: odataEntity('customers', CUSTOMER_FIELDS, [
    {
      name: 'currency',
      kind: 'single',
      target: () => currencyEntity.odata,
      join: { local: sql`${t.currencyCode}`, remote: sql`${currencies.code}` },
    },
    {
      name: 'paymentTerm',
      kind: 'single',
      target: () => paymentTermEntity.odata,
      join: { local: sql`${t.paymentTermsCode}`, remote: sql`${paymentTerms.code}` },
    },
  ]),
  async check({ tx, companyId, values }) {
    applyCustomerReferences(values, await loadCustomerReferences(tx, companyId, [values]));
  },
  async checkMany(tx, companyId, checks) {
    const references = await loadCustomerReferences(
      tx,
      companyId,
      checks.map((c) => c.values),
    );
    return checks.map((c) => {
      try {
        applyCustomerReferences(c.values, references);
        return undefined;
      } catch (error) {
        return error;
      }
    });
  },
};
