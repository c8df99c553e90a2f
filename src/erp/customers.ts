import { sql } from 'drizzle-orm';
import { erpError } from './errors.js';
import { odataEntity, type FieldSpec, type RecordEntity } from './record-entity.js';
import { checkSalespersonCode, findByKey, invalidRelation, localCurrency, ZERO_GUID } from './references.js';
import { currencyEntity } from './currencies.js';
import { paymentTermEntity } from './payment-terms.js';
import { currencies, customers, paymentTerms } from './schema.js';

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
    // currencyId / currencyCode: a zero id or the LCY code mean the local currency (stored blank).
    const currencyId = values['@currencyId'] as string | undefined;
    if (currencyId !== undefined) {
      let code = '';
      if (currencyId !== ZERO_GUID) {
        const [row] = await tx
          .select({ code: currencies.code, companyId: currencies.companyId })
          .from(currencies)
          .where(
            sql`${currencies.id} = ${currencyId}::uuid and ${currencies.companyId} = ${companyId}::uuid`,
          );
        if (!row)
          throw invalidRelation(
            'currencyId',
            'Customer|Currency',
            currencyId,
            'Use the id of a currency of this company (GET …/currencies), or a zero GUID for the local currency.',
          );
        code = row.code;
      }
      const given = values.currencyCode as string | undefined;
      if (
        given !== undefined &&
        given !== '' &&
        given !== code &&
        !(code === '' && given === (await localCurrency(tx, companyId)))
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
      const lcy = await localCurrency(tx, companyId);
      if (currencyCode === lcy) values.currencyCode = '';
      else if (
        !(await findByKey(tx, currencies, currencies.code, companyId, currencyCode, { id: currencies.id }))
      )
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
        const [row] = await tx
          .select({ code: paymentTerms.code })
          .from(paymentTerms)
          .where(
            sql`${paymentTerms.id} = ${paymentTermsId}::uuid and ${paymentTerms.companyId} = ${companyId}::uuid`,
          );
        if (!row)
          throw invalidRelation(
            'paymentTermsId',
            'Customer|Payment Terms',
            paymentTermsId,
            'Use the id of payment terms of this company (GET …/paymentTerms).',
          );
        values.paymentTermsCode = row.code;
      }
    }
    const salespersonCode = values.salespersonCode as string | undefined;
    if (salespersonCode) await checkSalespersonCode(tx, companyId, salespersonCode, 'Customer', 'a customer');
  },
};
