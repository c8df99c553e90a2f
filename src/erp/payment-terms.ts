import { erpError } from './errors.js';
import { odataEntity, type FieldSpec, type RecordEntity } from './record-entity.js';
import { refuseIfReferenced } from './references.js';
import { customers, paymentTerms } from './schema.js';

const t = paymentTerms;

/** Payment terms (BC API v2.0 `paymentTerms`). */
export const PAYMENT_TERM_FIELDS: readonly FieldSpec[] = [
  { name: 'id', type: 'guid', column: t.id, readOnly: true },
  { name: 'code', type: 'string', column: t.code, maxLength: 10, upper: true },
  { name: 'displayName', type: 'string', column: t.displayName, maxLength: 100 },
  { name: 'dueDateCalculation', type: 'string', column: t.dueDateCalculation, maxLength: 32, upper: true },
  {
    name: 'discountDateCalculation',
    type: 'string',
    column: t.discountDateCalculation,
    maxLength: 32,
    upper: true,
  },
  { name: 'discountPercent', type: 'decimal', column: t.discountPercent },
  { name: 'calculateDiscountOnCreditMemos', type: 'boolean', column: t.calculateDiscountOnCreditMemos },
  { name: 'lastModifiedDateTime', type: 'datetime', column: t.modifiedAt, readOnly: true },
];

/**
 * BC date formulas: terms such as 10D, 2W, 1M, CM (current month), 1Q, 1Y joined by + or -, e.g.
 * `1M+CM` or `-3D`. Only the syntax is checked; Tandem posts no documents that would use them.
 */
export const DATE_FORMULA = /^<?[+-]?(\d+[DWMQY]|C[DWMQY])([+-](\d+[DWMQY]|C[DWMQY]))*>?$/;

export function isDateFormula(text: string): boolean {
  return text === '' || DATE_FORMULA.test(text.toUpperCase());
}

export const paymentTermEntity: RecordEntity = {
  entitySet: 'paymentTerms',
  entityName: 'paymentTerm',
  caption: 'Payment Terms',
  object: 'paymentTerm',
  table: t,
  keyField: 'code',
  keyCaption: 'Code',
  fields: PAYMENT_TERM_FIELDS,
  odata: odataEntity('paymentTerms', PAYMENT_TERM_FIELDS),
  async check({ values }) {
    for (const key of ['dueDateCalculation', 'discountDateCalculation'] as const) {
      const formula = values[key] as string | undefined;
      if (formula !== undefined && !isDateFormula(formula))
        throw erpError(
          'BadRequest',
          'Application_FieldValidationException',
          `${key} '${formula}' is not a date formula. Write terms such as 14D, 1M or CM joined by + or -, e.g. 1M+CM.`,
        );
    }
    const percent = values.discountPercent as string | undefined;
    if (percent !== undefined && (Number(percent) < 0 || Number(percent) > 100))
      throw erpError(
        'BadRequest',
        'Application_FieldValidationException',
        `discountPercent ${percent} is outside the range 0 to 100.`,
      );
  },
  async checkDelete(tx, companyId, record) {
    const code = String(record.code);
    await refuseIfReferenced(
      tx,
      customers,
      customers.paymentTermsCode,
      customers.number,
      companyId,
      code,
      (customer) => `You cannot delete payment terms ${code} because customer ${customer} uses them.`,
    );
  },
};
