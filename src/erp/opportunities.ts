import { and, eq, sql } from 'drizzle-orm';
import type { Transaction } from '../platform/db/database.js';
import { erpError } from './errors.js';
import { odataEntity, type FieldSpec, type RecordEntity } from './record-entity.js';
import { checkSalespersonCode, invalidRelation } from './references.js';
import { contacts, opportunities } from './schema.js';

const t = opportunities;

/** BC's opportunity statuses (enum "Opportunity Status"); Won and Lost are closed. */
export const OPPORTUNITY_STATUSES = ['Not Started', 'In Progress', 'Won', 'Lost'] as const;
const CLOSED_STATUSES: readonly string[] = ['Won', 'Lost'];

/** The contact's name and its company's name, looked up as BC's FlowFields do. */
const contactNameSql = sql`coalesce((select c.display_name from erp.contacts c where c.company_id = ${t.companyId} and c.number = ${t.contactNumber}), '')`;
const contactCompanyNameSql = sql`coalesce((select cc.display_name from erp.contacts c join erp.contacts cc on cc.company_id = c.company_id and cc.number = c.company_number where c.company_id = ${t.companyId} and c.number = ${t.contactNumber} and c.company_number <> ''), '')`;
const closedSql = sql`(${t.status} in ('Won', 'Lost'))`;
/**
 * BC's "Calcd. Current Value (LCY)" with the default sales cycle's probability calculation
 * (Multiply): estimated value × chances of success % × completed %; a won opportunity is worth its
 * estimated value, a lost one nothing.
 */
const calculatedCurrentValueSql = sql`(case ${t.status} when 'Won' then ${t.estimatedValue} when 'Lost' then 0 else ${t.estimatedValue} * ${t.chancesOfSuccessPrc} * ${t.completedPrc} / 10000 end)`;

/**
 * Opportunities (BC API v2.0 `opportunities`, page 30070 "APIV2 - Opportunities"). In BC only number,
 * contactNumber, salespersonCode and description are editable through the API; status, the values,
 * percentages and closing date come from opportunity entries (sales cycle stages). Tandem has no
 * opportunity entries, so those are editable here; closed, dateClosed, calculatedCurrentValue and
 * creationDate follow from them as in BC.
 */
export const OPPORTUNITY_FIELDS: readonly FieldSpec[] = [
  { name: 'id', type: 'guid', column: t.id, readOnly: true },
  { name: 'number', type: 'string', column: t.number, maxLength: 20, upper: true },
  { name: 'contactNumber', type: 'string', column: t.contactNumber, maxLength: 20, upper: true },
  { name: 'contactName', type: 'string', read: contactNameSql, readOnly: true },
  { name: 'contactCompanyName', type: 'string', read: contactCompanyNameSql, readOnly: true },
  { name: 'salespersonCode', type: 'string', column: t.salespersonCode, maxLength: 20, upper: true },
  { name: 'description', type: 'string', column: t.description, maxLength: 100 },
  { name: 'status', type: 'string', column: t.status, values: OPPORTUNITY_STATUSES },
  { name: 'closed', type: 'boolean', read: closedSql, readOnly: true },
  { name: 'creationDate', type: 'date', column: t.creationDate, readOnly: true },
  { name: 'dateClosed', type: 'date', column: t.dateClosed, readOnly: true },
  { name: 'calculatedCurrentValue', type: 'decimal', read: calculatedCurrentValueSql, readOnly: true },
  { name: 'chancesOfSuccessPrc', type: 'decimal', column: t.chancesOfSuccessPrc },
  { name: 'completedPrc', type: 'decimal', column: t.completedPrc },
  { name: 'estimatedClosingDate', type: 'date', column: t.estimatedClosingDate },
  { name: 'estimatedValue', type: 'decimal', column: t.estimatedValue },
  { name: 'lastModifiedDateTime', type: 'datetime', column: t.modifiedAt, readOnly: true },
];

/** Today's date (UTC, as lastModifiedDateTime), BC's WorkDate for creation and closing dates. */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

async function contactCompany(
  tx: Transaction,
  companyId: string,
  number: string,
): Promise<{ companyNumber: string } | undefined> {
  const [row] = await tx
    .select({ companyNumber: contacts.companyNumber })
    .from(contacts)
    .where(and(eq(contacts.companyId, companyId), eq(contacts.number, number)))
    .limit(1);
  return row;
}

export const opportunityEntity: RecordEntity = {
  entitySet: 'opportunities',
  entityName: 'opportunity',
  caption: 'Opportunity',
  object: 'opportunity',
  table: t,
  keyField: 'number',
  keyCaption: 'No.',
  numberSeries: 'OPP',
  fields: OPPORTUNITY_FIELDS,
  odata: odataEntity('opportunities', OPPORTUNITY_FIELDS),
  async check({ tx, companyId, values, existing }) {
    const before = (existing?.status as string | undefined) ?? 'Not Started';
    const status = (values.status as string | undefined) ?? before;
    const number = (values.number as string | undefined) ?? String(existing?.number ?? '');
    const salespersonCode = values.salespersonCode as string | undefined;
    const salespersonChanged =
      salespersonCode !== undefined && salespersonCode !== (existing?.salespersonCode ?? '');
    const contactNumber = values.contactNumber as string | undefined;
    const contactChanged = contactNumber !== undefined && contactNumber !== (existing?.contactNumber ?? '');

    // BC's API page: a won or lost opportunity keeps its salesperson and contact.
    if (existing && CLOSED_STATUSES.includes(before)) {
      for (const [changed, field] of [
        [salespersonChanged, 'salespersonCode'],
        [contactChanged, 'contactNumber'],
      ] as const)
        if (changed)
          throw erpError(
            'Conflict',
            'Application_DialogException',
            `The "${field}" of a Won or Lost Opportunity cannot be changed (opportunity ${number} is ${before}).`,
          );
    }

    if (salespersonChanged && salespersonCode !== '')
      await checkSalespersonCode(tx, companyId, salespersonCode, 'Opportunity', 'an opportunity');

    if (contactChanged && contactNumber !== '') {
      const contact = await contactCompany(tx, companyId, contactNumber);
      if (!contact)
        throw invalidRelation(
          'Contact No.',
          'Opportunity|Contact',
          contactNumber,
          `Create contact ${contactNumber} first (POST …/contacts), or choose an existing one.`,
        );
      // BC: once the opportunity has started, its contact may change only within the same company.
      const previous = String(existing?.contactNumber ?? '');
      if (existing && previous !== '' && before !== 'Not Started') {
        const old = await contactCompany(tx, companyId, previous);
        if (old && old.companyNumber !== contact.companyNumber)
          throw erpError(
            'BadRequest',
            'Application_FieldValidationException',
            `Contact ${contactNumber} is related to another company than contact ${previous}. An opportunity that has started keeps its contact's company; choose a contact of company ${old.companyNumber || previous}.`,
          );
      }
    }

    for (const key of ['chancesOfSuccessPrc', 'completedPrc'] as const) {
      const value = values[key] as string | undefined;
      if (value !== undefined && (Number(value) < 0 || Number(value) > 100))
        throw erpError(
          'BadRequest',
          'Application_FieldValidationException',
          `The value ${value} of ${key} is outside the range 0 to 100.`,
        );
    }
    const estimatedValue = values.estimatedValue as string | undefined;
    if (estimatedValue !== undefined && Number(estimatedValue) < 0)
      throw erpError(
        'BadRequest',
        'Application_FieldValidationException',
        `estimatedValue must not be negative (got ${estimatedValue}).`,
      );

    // As BC's OnInsert: the creation date is the work date. Closing sets the date closed; reopening
    // (Tandem only: BC has no way back) clears it.
    if (!existing) values.creationDate = today();
    if (!existing || status !== before) values.dateClosed = CLOSED_STATUSES.includes(status) ? today() : null;
  },
  async checkDelete(_tx, _companyId, record) {
    if (record.status === 'In Progress')
      throw erpError(
        'Conflict',
        'Application_DialogException',
        `You cannot delete opportunity ${String(record.number)} while it is active (In Progress). Close it as Won or Lost first, or set its status back to Not Started.`,
      );
  },
};
