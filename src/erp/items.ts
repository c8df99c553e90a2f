import { sql } from 'drizzle-orm';
import { erpError } from './errors.js';
import { odataEntity, type FieldSpec, type RecordEntity } from './record-entity.js';
import { findByKey, invalidRelation, ZERO_GUID } from './references.js';
import { items, unitsOfMeasure } from './schema.js';
import { unitOfMeasureEntity } from './units-of-measure.js';

const t = items;

const baseUnitIdSql = sql`coalesce((select u.id from erp.units_of_measure u where u.company_id = ${t.companyId} and u.code = ${t.baseUnitOfMeasureCode}), ${ZERO_GUID}::uuid)`;

/**
 * Items (BC API v2.0 `items`). Item categories, tax groups and posting groups are not modelled in
 * Tandem: their ids and codes are kept as given. The base unit of measure is checked.
 */
export const ITEM_FIELDS: readonly FieldSpec[] = [
  { name: 'id', type: 'guid', column: t.id, readOnly: true },
  { name: 'number', type: 'string', column: t.number, maxLength: 20, upper: true },
  { name: 'displayName', type: 'string', column: t.displayName, maxLength: 100 },
  { name: 'displayName2', type: 'string', column: t.displayName2, maxLength: 50 },
  { name: 'type', type: 'string', column: t.type, values: ['Inventory', 'Service', 'Non-Inventory'] },
  { name: 'itemCategoryId', type: 'guid', column: t.itemCategoryId },
  { name: 'itemCategoryCode', type: 'string', column: t.itemCategoryCode, maxLength: 20, upper: true },
  { name: 'blocked', type: 'boolean', column: t.blocked },
  { name: 'gtin', type: 'string', column: t.gtin, maxLength: 14 },
  { name: 'inventory', type: 'decimal', column: t.inventory, readOnly: true },
  { name: 'unitPrice', type: 'decimal', column: t.unitPrice },
  { name: 'priceIncludesTax', type: 'boolean', column: t.priceIncludesTax },
  { name: 'unitCost', type: 'decimal', column: t.unitCost },
  { name: 'taxGroupId', type: 'guid', column: t.taxGroupId },
  { name: 'taxGroupCode', type: 'string', column: t.taxGroupCode, maxLength: 20, upper: true },
  { name: 'baseUnitOfMeasureId', type: 'guid', read: baseUnitIdSql, virtual: true },
  {
    name: 'baseUnitOfMeasureCode',
    type: 'string',
    column: t.baseUnitOfMeasureCode,
    maxLength: 10,
    upper: true,
  },
  { name: 'generalProductPostingGroupId', type: 'guid', column: t.generalProductPostingGroupId },
  {
    name: 'generalProductPostingGroupCode',
    type: 'string',
    column: t.generalProductPostingGroupCode,
    maxLength: 20,
    upper: true,
  },
  { name: 'inventoryPostingGroupId', type: 'guid', column: t.inventoryPostingGroupId },
  {
    name: 'inventoryPostingGroupCode',
    type: 'string',
    column: t.inventoryPostingGroupCode,
    maxLength: 20,
    upper: true,
  },
  { name: 'lastModifiedDateTime', type: 'datetime', column: t.modifiedAt, readOnly: true },
];

export const itemEntity: RecordEntity = {
  entitySet: 'items',
  entityName: 'item',
  caption: 'Item',
  object: 'item',
  table: t,
  keyField: 'number',
  keyCaption: 'No.',
  numberSeries: 'ITEM',
  fields: ITEM_FIELDS,
  odata: odataEntity('items', ITEM_FIELDS, [
    {
      name: 'unitOfMeasure',
      kind: 'single',
      target: () => unitOfMeasureEntity.odata,
      join: { local: sql`${t.baseUnitOfMeasureCode}`, remote: sql`${unitsOfMeasure.code}` },
    },
  ]),
  async check({ tx, companyId, values }) {
    const unitId = values['@baseUnitOfMeasureId'] as string | undefined;
    if (unitId !== undefined) {
      let code = '';
      if (unitId !== ZERO_GUID) {
        const [row] = await tx
          .select({ code: unitsOfMeasure.code })
          .from(unitsOfMeasure)
          .where(
            sql`${unitsOfMeasure.id} = ${unitId}::uuid and ${unitsOfMeasure.companyId} = ${companyId}::uuid`,
          );
        if (!row)
          throw invalidRelation(
            'baseUnitOfMeasureId',
            'Item|Unit of Measure',
            unitId,
            'Use the id of a unit of measure of this company (GET …/unitsOfMeasure).',
          );
        code = row.code;
      }
      const given = values.baseUnitOfMeasureCode as string | undefined;
      if (given !== undefined && given !== code)
        throw erpError(
          'BadRequest',
          'Application_FieldValidationException',
          `baseUnitOfMeasureId and baseUnitOfMeasureCode name different units ('${code}' and '${given}'). Send one of them.`,
        );
      values.baseUnitOfMeasureCode = code;
    }
    const code = values.baseUnitOfMeasureCode as string | undefined;
    if (
      code &&
      !(await findByKey(tx, unitsOfMeasure, unitsOfMeasure.code, companyId, code, { id: unitsOfMeasure.id }))
    )
      throw invalidRelation(
        'Base Unit of Measure',
        'Item|Unit of Measure',
        code,
        `Create unit of measure ${code} first (POST …/unitsOfMeasure), or choose an existing one.`,
      );
    for (const key of ['unitPrice', 'unitCost'] as const) {
      const value = values[key] as string | undefined;
      if (value !== undefined && Number(value) < 0)
        throw erpError(
          'BadRequest',
          'Application_FieldValidationException',
          `${key} must not be negative (got ${value}).`,
        );
    }
  },
};
