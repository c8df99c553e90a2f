import { erpError } from './errors.js';
import { odataEntity, type FieldSpec, type RecordEntity } from './record-entity.js';
import { localCurrency, refuseIfReferenced } from './references.js';
import { currencies, customers } from './schema.js';

const t = currencies;

/** Currencies (BC API v2.0 `currencies`); the company's local currency is one of them. */
export const CURRENCY_FIELDS: readonly FieldSpec[] = [
  { name: 'id', type: 'guid', column: t.id, readOnly: true },
  { name: 'code', type: 'string', column: t.code, maxLength: 10, upper: true },
  { name: 'displayName', type: 'string', column: t.displayName, maxLength: 30 },
  { name: 'symbol', type: 'string', column: t.symbol, maxLength: 10 },
  { name: 'amountDecimalPlaces', type: 'string', column: t.amountDecimalPlaces, maxLength: 5 },
  { name: 'amountRoundingPrecision', type: 'decimal', column: t.amountRoundingPrecision },
  { name: 'lastModifiedDateTime', type: 'datetime', column: t.modifiedAt, readOnly: true },
];

const DECIMAL_PLACES = /^\d{1,2}(:\d{1,2})?$/;

export const currencyEntity: RecordEntity = {
  entitySet: 'currencies',
  entityName: 'currency',
  caption: 'Currency',
  object: 'currency',
  table: t,
  keyField: 'code',
  keyCaption: 'Code',
  fields: CURRENCY_FIELDS,
  odata: odataEntity('currencies', CURRENCY_FIELDS),
  async check({ values }) {
    const places = values.amountDecimalPlaces as string | undefined;
    if (places !== undefined && !DECIMAL_PLACES.test(places))
      throw erpError(
        'BadRequest',
        'Application_FieldValidationException',
        `amountDecimalPlaces '${places}' is not valid: write the minimum and maximum decimals as "2:2" (or one number, "2").`,
      );
    const precision = values.amountRoundingPrecision as string | undefined;
    if (precision !== undefined && Number(precision) <= 0)
      throw erpError(
        'BadRequest',
        'Application_FieldValidationException',
        `amountRoundingPrecision must be greater than 0, e.g. 0.01.`,
      );
  },
  async checkDelete(tx, companyId, record) {
    const code = String(record.code);
    if (code === (await localCurrency(tx, companyId)))
      throw erpError(
        'Conflict',
        'Application_DialogException',
        `You cannot delete currency ${code} because it is the company's local currency (LCY).`,
      );
    await refuseIfReferenced(
      tx,
      customers,
      customers.currencyCode,
      customers.number,
      companyId,
      code,
      (customer) =>
        `You cannot delete currency ${code} because customer ${customer} uses it. Change the customers' currencyCode first.`,
    );
  },
};
