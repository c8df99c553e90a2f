/**
 * The default table mappings setup records (SPEC §5, after Business Central's CRMSetupDefaults):
 * which ERP entity pairs with which Sales table, in which direction, field by field, with filters,
 * dependencies and policies. Part 2 (sync) runs them; setup and "reset default mappings" write them.
 */
import type { FieldMapping, mappings } from '../schema.js';

export type MappingDefinition = Omit<typeof mappings.$inferInsert, 'modifiedAt' | 'isDefault' | 'enabled'>;

const to = (erpField: string, salesAttribute: string, extra: Partial<FieldMapping> = {}): FieldMapping => ({
  erpField,
  salesAttribute,
  direction: 'ToSales',
  ...extra,
});
const both = (erpField: string, salesAttribute: string, extra: Partial<FieldMapping> = {}): FieldMapping => ({
  erpField,
  salesAttribute,
  direction: 'Bidirectional',
  ...extra,
});
const from = (erpField: string, salesAttribute: string, extra: Partial<FieldMapping> = {}): FieldMapping => ({
  erpField,
  salesAttribute,
  direction: 'FromSales',
  ...extra,
});

export const DEFAULT_MAPPINGS: readonly MappingDefinition[] = [
  {
    name: 'SALESPEOPLE',
    erpEntity: 'salespeoplePurchasers',
    salesEntity: 'systemusers',
    direction: 'FromSales',
    // Only people who sell: enabled, licensed, not the integration user, no application or
    // Non-interactive user (rule A5, as Couple salespeople lists them).
    salesFilter:
      'isdisabled eq false and islicensed eq true and isintegrationuser eq false and accessmode ne 4 and applicationid eq null',
    erpFilter: null,
    fields: [
      from('email', 'internalemailaddress', { matchPriority: 1 }),
      from('displayName', 'fullname'),
      from('phoneNo', 'mobilephone'),
    ],
    dependsOn: [],
    conflictPolicy: 'SalesWins',
    deletionPolicy: 'RemoveCoupling',
    syncOnlyCoupled: true,
  },
  {
    name: 'CURRENCY',
    erpEntity: 'currencies',
    salesEntity: 'transactioncurrencies',
    direction: 'ToSales',
    salesFilter: null,
    erpFilter: null,
    fields: [
      to('code', 'isocurrencycode', { matchPriority: 1 }),
      to('symbol', 'currencysymbol'),
      to('displayName', 'currencyname'),
    ],
    dependsOn: [],
    conflictPolicy: 'ErpWins',
    deletionPolicy: 'None',
    // Currencies are matched by ISO code and created when missing (BC: "create if no match").
    syncOnlyCoupled: false,
  },
  {
    name: 'CUSTOMER',
    erpEntity: 'customers',
    salesEntity: 'accounts',
    direction: 'Bidirectional',
    erpFilter: "blocked eq ' '",
    salesFilter: 'statecode eq 0',
    fields: [
      both('number', 'accountnumber', { matchPriority: 1 }),
      both('displayName', 'name', { matchPriority: 2 }),
      both('addressLine1', 'address1_line1'),
      both('city', 'address1_city'),
      both('state', 'address1_stateorprovince'),
      both('postalCode', 'address1_postalcode'),
      both('country', 'address1_country'),
      both('phoneNumber', 'telephone1'),
      both('email', 'emailaddress1'),
      both('website', 'websiteurl'),
      to('creditLimit', 'creditlimit'),
      both('currencyCode', 'transactioncurrencyid'),
      // Person ownership (rule A6): the customer's salesperson owns the account, and the owner's
      // coupled salesperson comes back as the customer's salesperson code.
      both('salespersonCode', 'ownerid'),
    ],
    dependsOn: ['SALESPEOPLE', 'CURRENCY'],
    conflictPolicy: 'Fail',
    deletionPolicy: 'RemoveCoupling',
    // New records flow (SPEC §5, past Business Central): created in one app, created and coupled in the other.
    syncOnlyCoupled: false,
  },
  {
    name: 'CONTACT',
    erpEntity: 'contacts',
    salesEntity: 'contacts',
    direction: 'Bidirectional',
    erpFilter: "type eq 'Person' and companyNumber ne ''",
    salesFilter: 'statecode eq 0 and _parentcustomerid_value ne null',
    fields: [
      both('displayName', 'fullname', { matchPriority: 1 }),
      both('email', 'emailaddress1', { matchPriority: 1 }),
      both('phoneNumber', 'telephone1'),
      both('mobilePhoneNumber', 'mobilephone'),
      both('companyNumber', 'parentcustomerid'),
    ],
    dependsOn: ['CUSTOMER'],
    conflictPolicy: 'Fail',
    deletionPolicy: 'RemoveCoupling',
    syncOnlyCoupled: false,
  },
  {
    name: 'ITEM-PRODUCT',
    erpEntity: 'items',
    salesEntity: 'products',
    direction: 'Bidirectional',
    erpFilter: 'blocked eq false',
    salesFilter: null,
    fields: [
      to('number', 'productnumber', { matchPriority: 1 }),
      both('displayName', 'name'),
      to('unitPrice', 'price'),
      to('unitCost', 'standardcost'),
      to('unitCost', 'currentcost'),
      to('inventory', 'quantityonhand'),
    ],
    dependsOn: ['CURRENCY'],
    conflictPolicy: 'Fail',
    deletionPolicy: 'RemoveCoupling',
    syncOnlyCoupled: false,
  },
  {
    name: 'OPPORTUNITY',
    erpEntity: 'opportunities',
    salesEntity: 'opportunities',
    direction: 'Bidirectional',
    erpFilter: null,
    salesFilter: 'statecode eq 0',
    fields: [
      both('description', 'name'),
      to('estimatedValue', 'estimatedvalue'),
      to('estimatedClosingDate', 'estimatedclosedate'),
      both('salespersonCode', 'ownerid'),
    ],
    dependsOn: ['CONTACT'],
    conflictPolicy: 'Fail',
    deletionPolicy: 'None',
    syncOnlyCoupled: false,
  },
];
