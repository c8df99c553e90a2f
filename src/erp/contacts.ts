import { and, eq, sql } from 'drizzle-orm';
import { erpError } from './errors.js';
import { odataEntity, type FieldSpec, type RecordEntity } from './record-entity.js';
import { invalidRelation, refuseIfReferenced } from './references.js';
import { contacts, opportunities } from './schema.js';

const t = contacts;

/** The company contact's name, as BC shows it on a person. */
const companyNameSql = sql`coalesce((select c2.display_name from erp.contacts c2 where c2.company_id = ${t.companyId} and c2.number = ${t.companyNumber}), '')`;

export const BUSINESS_RELATIONS = [
  'None',
  'Customer',
  'Vendor',
  'Bank Account',
  'Employee',
  'Multiple',
  'Other',
] as const;

/**
 * Contacts (BC API v2.0 `contacts`): companies and persons; a person's companyNumber links it to a
 * company contact, and a company contact's companyNumber is its own number (as in BC). The documented
 * create example writes `businessRelation`, so that name is accepted for `contactBusinessRelation`.
 */
export const CONTACT_FIELDS: readonly FieldSpec[] = [
  { name: 'id', type: 'guid', column: t.id, readOnly: true },
  { name: 'number', type: 'string', column: t.number, maxLength: 20, upper: true },
  { name: 'type', type: 'string', column: t.type, values: ['Company', 'Person'] },
  { name: 'displayName', type: 'string', column: t.displayName, maxLength: 100 },
  { name: 'companyNumber', type: 'string', column: t.companyNumber, maxLength: 20, upper: true },
  { name: 'companyName', type: 'string', read: companyNameSql, readOnly: true },
  {
    name: 'contactBusinessRelation',
    type: 'string',
    column: t.contactBusinessRelation,
    values: BUSINESS_RELATIONS,
    aliases: ['businessRelation'],
  },
  { name: 'addressLine1', type: 'string', column: t.addressLine1, maxLength: 100 },
  { name: 'addressLine2', type: 'string', column: t.addressLine2, maxLength: 50 },
  { name: 'city', type: 'string', column: t.city, maxLength: 30 },
  { name: 'state', type: 'string', column: t.state, maxLength: 30 },
  { name: 'country', type: 'string', column: t.country, maxLength: 10, upper: true },
  { name: 'postalCode', type: 'string', column: t.postalCode, maxLength: 20, upper: true },
  { name: 'phoneNumber', type: 'string', column: t.phoneNumber, maxLength: 30 },
  { name: 'mobilePhoneNumber', type: 'string', column: t.mobilePhoneNumber, maxLength: 30 },
  { name: 'email', type: 'string', column: t.email, maxLength: 80 },
  { name: 'website', type: 'string', column: t.website, maxLength: 80 },
  { name: 'searchName', type: 'string', column: t.searchName, maxLength: 100, upper: true },
  { name: 'privacyBlocked', type: 'boolean', column: t.privacyBlocked },
  { name: 'taxRegistrationNumber', type: 'string', column: t.taxRegistrationNumber, maxLength: 20 },
  { name: 'lastInteractionDate', type: 'date', column: t.lastInteractionDate },
  { name: 'lastModifiedDateTime', type: 'datetime', column: t.modifiedAt, readOnly: true },
];

export const contactEntity: RecordEntity = {
  entitySet: 'contacts',
  entityName: 'contact',
  caption: 'Contact',
  object: 'contact',
  table: t,
  keyField: 'number',
  keyCaption: 'No.',
  numberSeries: 'CONT',
  fields: CONTACT_FIELDS,
  odata: odataEntity('contacts', CONTACT_FIELDS),
  checksSeeEarlierWrites: true,
  async check({ tx, companyId, values, existing }) {
    const type = (values.type as string | undefined) ?? (existing?.type as string | undefined) ?? 'Company';
    const number = (values.number as string | undefined) ?? String(existing?.number ?? '');
    if (type === 'Company') {
      // A company contact is its own company.
      values.companyNumber = number;
    } else {
      const companyNumber = values.companyNumber as string | undefined;
      if (companyNumber) {
        const [company] = await tx
          .select({ type: contacts.type })
          .from(contacts)
          .where(and(eq(contacts.companyId, companyId), eq(contacts.number, companyNumber)));
        if (!company)
          throw invalidRelation(
            'Company No.',
            'Contact|Contact',
            companyNumber,
            `Create company contact ${companyNumber} first, or leave companyNumber blank.`,
          );
        if (company.type !== 'Company')
          throw erpError(
            'BadRequest',
            'Application_FieldValidationException',
            `Contact ${companyNumber} is a person, not a company: companyNumber must name a contact of type Company.`,
          );
      }
      if (values.type === 'Person' && existing?.type === 'Company') {
        const [person] = await tx
          .select({ number: contacts.number })
          .from(contacts)
          .where(
            and(
              eq(contacts.companyId, companyId),
              eq(contacts.companyNumber, number),
              sql`${contacts.number} <> ${number}`,
            ),
          )
          .limit(1);
        if (person)
          throw erpError(
            'Conflict',
            'Application_DialogException',
            `Contact ${number} cannot become a person while person ${person.number} belongs to it.`,
          );
        if (values.companyNumber === undefined) values.companyNumber = '';
      }
    }
    // BC fills the search name from the name when it is left blank.
    const displayName = values.displayName as string | undefined;
    const searchName = values.searchName as string | undefined;
    if ((searchName === undefined || searchName === '') && displayName !== undefined)
      values.searchName = displayName.toUpperCase().slice(0, 100);
  },
  async checkDelete(tx, companyId, record) {
    await refuseIfReferenced(
      tx,
      opportunities,
      opportunities.contactNumber,
      opportunities.number,
      companyId,
      String(record.number),
      (opportunity) =>
        `You cannot delete contact ${String(record.number)} because opportunity ${opportunity} is for it. Delete the opportunity or give it another contact first.`,
    );
    if (record.type !== 'Company') return;
    const [person] = await tx
      .select({ number: contacts.number })
      .from(contacts)
      .where(
        and(
          eq(contacts.companyId, companyId),
          eq(contacts.companyNumber, String(record.number)),
          sql`${contacts.number} <> ${String(record.number)}`,
        ),
      )
      .limit(1);
    if (person)
      throw erpError(
        'Conflict',
        'Application_DialogException',
        `You cannot delete company contact ${String(record.number)} because person ${person.number} belongs to it. Delete or move its persons first.`,
      );
  },
};
