import { contactEntity } from './contacts.js';
import { currencyEntity } from './currencies.js';
import { customerEntity } from './customers.js';
import { itemEntity } from './items.js';
import { opportunityEntity } from './opportunities.js';
import { paymentTermEntity } from './payment-terms.js';
import type { RecordEntity } from './record-entity.js';
import { salespersonEntity } from './salespeople.js';
import { unitOfMeasureEntity } from './units-of-measure.js';

/** Every record type of the ERP API, by BC v2.0 entity set. */
export const RECORD_ENTITIES: readonly RecordEntity[] = [
  salespersonEntity,
  customerEntity,
  contactEntity,
  itemEntity,
  currencyEntity,
  unitOfMeasureEntity,
  paymentTermEntity,
  opportunityEntity,
];

/** The targets of the navigation properties `$expand` accepts (customer.currency, item.unitOfMeasure…). */
export const EXPANDABLE: Record<string, RecordEntity> = {
  currency: currencyEntity,
  paymentTerm: paymentTermEntity,
  unitOfMeasure: unitOfMeasureEntity,
};
