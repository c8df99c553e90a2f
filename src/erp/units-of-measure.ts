import { odataEntity, type FieldSpec, type RecordEntity } from './record-entity.js';
import { refuseIfReferenced } from './references.js';
import { items, unitsOfMeasure } from './schema.js';

const t = unitsOfMeasure;

/** Units of measure (BC API v2.0 `unitsOfMeasure`). */
export const UNIT_OF_MEASURE_FIELDS: readonly FieldSpec[] = [
  { name: 'id', type: 'guid', column: t.id, readOnly: true },
  { name: 'code', type: 'string', column: t.code, maxLength: 10, upper: true },
  { name: 'displayName', type: 'string', column: t.displayName, maxLength: 50 },
  { name: 'internationalStandardCode', type: 'string', column: t.internationalStandardCode, maxLength: 10 },
  { name: 'symbol', type: 'string', column: t.symbol, maxLength: 10 },
  { name: 'lastModifiedDateTime', type: 'datetime', column: t.modifiedAt, readOnly: true },
];

export const unitOfMeasureEntity: RecordEntity = {
  entitySet: 'unitsOfMeasure',
  entityName: 'unitOfMeasure',
  caption: 'Unit of Measure',
  object: 'unitOfMeasure',
  table: t,
  keyField: 'code',
  keyCaption: 'Code',
  fields: UNIT_OF_MEASURE_FIELDS,
  odata: odataEntity('unitsOfMeasure', UNIT_OF_MEASURE_FIELDS),
  async checkDelete(tx, companyId, record) {
    const code = String(record.code);
    await refuseIfReferenced(
      tx,
      items,
      items.baseUnitOfMeasureCode,
      items.number,
      companyId,
      code,
      (item) =>
        `You cannot delete unit of measure ${code} because item ${item} uses it as its base unit of measure.`,
    );
  },
};
