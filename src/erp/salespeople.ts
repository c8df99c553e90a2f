import { erpError } from './errors.js';
import { odataEntity, type FieldSpec, type RecordEntity } from './record-entity.js';
import { refuseIfReferenced } from './references.js';
import { customers, opportunities, salespeople } from './schema.js';

const t = salespeople;

/** Salespeople/purchasers (BC API v2.0 `salespeoplePurchasers`; note BC's own spelling `commisionPercent`). */
export const SALESPERSON_FIELDS: readonly FieldSpec[] = [
  { name: 'id', type: 'guid', column: t.id, readOnly: true },
  { name: 'code', type: 'string', column: t.code, maxLength: 20, upper: true },
  { name: 'displayName', type: 'string', column: t.displayName, maxLength: 50 },
  { name: 'email', type: 'string', column: t.email, maxLength: 80 },
  { name: 'email2', type: 'string', column: t.email2, maxLength: 80 },
  { name: 'phoneNo', type: 'string', column: t.phoneNo, maxLength: 30 },
  { name: 'jobTitle', type: 'string', column: t.jobTitle, maxLength: 30 },
  { name: 'commisionPercent', type: 'decimal', column: t.commissionPercent },
  { name: 'privacyBlocked', type: 'boolean', column: t.privacyBlocked },
  { name: 'blocked', type: 'boolean', column: t.blocked },
  { name: 'lastModifiedDateTime', type: 'datetime', column: t.modifiedAt, readOnly: true },
];

export const salespersonEntity: RecordEntity = {
  entitySet: 'salespeoplePurchasers',
  entityName: 'salespersonPurchaser',
  caption: 'Salesperson/Purchaser',
  object: 'salesperson',
  table: t,
  keyField: 'code',
  keyCaption: 'Code',
  fields: SALESPERSON_FIELDS,
  odata: odataEntity('salespeoplePurchasers', SALESPERSON_FIELDS),
  async check({ values }) {
    const percent = values.commissionPercent;
    if (percent !== undefined && (Number(percent) < 0 || Number(percent) > 100))
      throw erpError(
        'BadRequest',
        'Application_FieldValidationException',
        `The value ${String(percent)} of commisionPercent is outside the range 0 to 100.`,
      );
  },
  async checkDelete(tx, companyId, record) {
    await refuseIfReferenced(
      tx,
      customers,
      customers.salespersonCode,
      customers.number,
      companyId,
      String(record.code),
      (customer) =>
        `You cannot delete Salesperson/Purchaser ${String(record.code)} because customer ${customer} uses it. Change the customers' salespersonCode first.`,
    );
    await refuseIfReferenced(
      tx,
      opportunities,
      opportunities.salespersonCode,
      opportunities.number,
      companyId,
      String(record.code),
      (opportunity) =>
        `You cannot delete Salesperson/Purchaser ${String(record.code)} because opportunity ${opportunity} uses it. Change the opportunities' salespersonCode first.`,
    );
  },
};
