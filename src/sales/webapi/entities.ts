import type { AnyPgColumn as Column } from 'drizzle-orm/pg-core';
import type { PgTable } from 'drizzle-orm/pg-core';
import type {
  EntityDefinition,
  NavigationDefinition,
  PropertyDefinition,
  PropertyType,
} from '../../platform/odata/index.js';
import {
  account,
  businessunits,
  contact,
  opportunity,
  product,
  roles,
  systemusers,
  transactioncurrency,
} from '../schema.js';
import type { SecuredTable } from '../security/depth.js';
import type { LookupDefinition, LookupTarget, SalesEntity, WritableAttribute } from './sales-entity.js';

/**
 * The entity sets of the Web API, described once: the OData machinery's EntityDefinition (what
 * $select/$filter/$orderby/$expand may name), what a client may write, lookups and their
 * `@odata.bind` names, alternate keys and option-set labels. Names follow Dataverse exactly.
 */

interface AttributeSpec {
  name: string;
  column: Column;
  type: PropertyType;
  nullable?: boolean;
  maxLength?: number;
  requiredOnCreate?: boolean;
  enumValues?: readonly number[];
  /** Read-only attributes are returned but not accepted in bodies. */
  readOnly?: boolean;
}

interface LookupSpec {
  attribute: string;
  column: Column;
  typeColumn?: Column;
  targets: Array<{ navigation: string; entitySet: string; logicalName: string }>;
  writable: boolean;
}

interface CollectionSpec {
  name: string;
  target: string;
  /** This entity's column (usually its key) and the target's column that points back at it. */
  local: Column;
  remote: Column;
}

interface EntitySpec {
  logicalName: string;
  entitySet: string;
  table: PgTable;
  key: string;
  keyColumn: Column;
  primaryName: string;
  securedTable: SecuredTable;
  ownership: SalesEntity['ownership'];
  ownerColumn?: Column;
  businessUnitColumn?: Column;
  versionColumn: Column;
  attributes: AttributeSpec[];
  lookups: LookupSpec[];
  collections?: CollectionSpec[];
  alternateKeys?: string[][];
  optionLabels?: Record<string, Record<number, string>>;
  writableSet: boolean;
  changeTracking: boolean;
}

const registry = new Map<string, SalesEntity>();

/** The entity served at an entity set name (case-sensitive), if any. */
export function entityBySet(entitySet: string): SalesEntity | undefined {
  return registry.get(entitySet);
}

/** Every entity set, in a stable order (for $metadata and the service document). */
export function allEntities(): SalesEntity[] {
  return [...registry.values()];
}

function target(entitySet: string): () => EntityDefinition {
  return () => {
    const entity = registry.get(entitySet);
    if (!entity) throw new Error(`Navigation to unknown entity set ${entitySet}`);
    return entity.definition;
  };
}

function lookupTargetKey(entitySet: string): Column {
  const entity = registry.get(entitySet);
  if (!entity) throw new Error(`Lookup to unknown entity set ${entitySet}`);
  return entity.keyColumn;
}

function define(spec: EntitySpec): SalesEntity {
  const properties: PropertyDefinition[] = spec.attributes.map((a) => ({
    name: a.name,
    column: a.column,
    type: a.type,
    nullable: a.nullable ?? true,
    ...(a.enumValues ? { enumValues: a.enumValues } : {}),
  }));
  for (const lookup of spec.lookups)
    properties.push({
      name: `_${lookup.attribute}_value`,
      column: lookup.column,
      type: 'guid',
      nullable: true,
    });

  const navigations: NavigationDefinition[] = [];
  for (const lookup of spec.lookups)
    for (const t of lookup.targets) {
      const nav: NavigationDefinition = {
        name: t.navigation,
        target: target(t.entitySet),
        kind: 'single',
        get join() {
          return { local: lookup.column, remote: lookupTargetKey(t.entitySet) };
        },
      };
      navigations.push(nav);
    }
  for (const c of spec.collections ?? [])
    navigations.push({
      name: c.name,
      target: target(c.target),
      kind: 'collection',
      join: { local: c.local, remote: c.remote },
    });

  const writable: WritableAttribute[] = spec.attributes
    .filter((a) => !a.readOnly)
    .map((a) => ({
      name: a.name,
      column: a.column,
      type: a.type,
      ...(a.maxLength !== undefined ? { maxLength: a.maxLength } : {}),
      ...(a.requiredOnCreate ? { requiredOnCreate: true } : {}),
      ...(a.enumValues ? { enumValues: a.enumValues } : {}),
    }));
  const lookups: LookupDefinition[] = spec.lookups.map((l) => ({
    attribute: l.attribute,
    column: l.column,
    ...(l.typeColumn ? { typeColumn: l.typeColumn } : {}),
    targets: l.targets as LookupTarget[],
    writable: l.writable,
  }));
  const entity: SalesEntity = {
    logicalName: spec.logicalName,
    entitySet: spec.entitySet,
    table: spec.table,
    keyColumn: spec.keyColumn,
    primaryName: spec.primaryName,
    securedTable: spec.securedTable,
    ownership: spec.ownership,
    ...(spec.ownerColumn ? { ownerColumn: spec.ownerColumn } : {}),
    ...(spec.businessUnitColumn ? { businessUnitColumn: spec.businessUnitColumn } : {}),
    versionColumn: spec.versionColumn,
    definition: { entitySet: spec.entitySet, key: spec.key, properties, navigations },
    writable,
    lookups,
    alternateKeys: spec.alternateKeys ?? [],
    optionLabels: spec.optionLabels ?? {},
    writableSet: spec.writableSet,
    changeTracking: spec.changeTracking,
  };
  registry.set(spec.entitySet, entity);
  return entity;
}

const USER = { navigation: '', entitySet: 'systemusers', logicalName: 'systemuser' };
const CURRENCY = {
  navigation: 'transactioncurrencyid',
  entitySet: 'transactioncurrencies',
  logicalName: 'transactioncurrency',
};

/** The system columns every record table has: owner, stamps, version, state. */
function recordSystem(
  t: {
    ownerid: Column;
    owningbusinessunit: Column;
    createdon: Column;
    createdby: Column;
    modifiedon: Column;
    modifiedby: Column;
    versionnumber: Column;
    statecode: Column;
    statuscode: Column;
  },
  states: readonly number[],
  statuses: readonly number[],
): { attributes: AttributeSpec[]; lookups: LookupSpec[] } {
  return {
    attributes: [
      { name: 'createdon', column: t.createdon, type: 'datetime', nullable: false, readOnly: true },
      { name: 'modifiedon', column: t.modifiedon, type: 'datetime', nullable: false, readOnly: true },
      { name: 'versionnumber', column: t.versionnumber, type: 'int', nullable: false, readOnly: true },
      { name: 'statecode', column: t.statecode, type: 'enum', nullable: false, enumValues: states },
      { name: 'statuscode', column: t.statuscode, type: 'enum', nullable: false, enumValues: statuses },
    ],
    lookups: [
      {
        attribute: 'ownerid',
        column: t.ownerid,
        targets: [{ ...USER, navigation: 'ownerid' }],
        writable: false,
      },
      {
        attribute: 'owningbusinessunit',
        column: t.owningbusinessunit,
        targets: [
          { navigation: 'owningbusinessunit', entitySet: 'businessunits', logicalName: 'businessunit' },
        ],
        writable: false,
      },
      {
        attribute: 'createdby',
        column: t.createdby,
        targets: [{ ...USER, navigation: 'createdby' }],
        writable: false,
      },
      {
        attribute: 'modifiedby',
        column: t.modifiedby,
        targets: [{ ...USER, navigation: 'modifiedby' }],
        writable: false,
      },
    ],
  };
}

const text = (
  name: string,
  column: Column,
  maxLength: number,
  extra: Partial<AttributeSpec> = {},
): AttributeSpec => ({
  name,
  column,
  type: 'string',
  maxLength,
  ...extra,
});

function address(t: {
  address1_line1: Column;
  address1_city: Column;
  address1_stateorprovince: Column;
  address1_postalcode: Column;
  address1_country: Column;
}): AttributeSpec[] {
  return [
    text('address1_line1', t.address1_line1, 250),
    text('address1_city', t.address1_city, 80),
    text('address1_stateorprovince', t.address1_stateorprovince, 50),
    text('address1_postalcode', t.address1_postalcode, 20),
    text('address1_country', t.address1_country, 80),
  ];
}

const ACTIVE_INACTIVE = {
  statecode: { 0: 'Active', 1: 'Inactive' },
  statuscode: { 1: 'Active', 2: 'Inactive' },
};

const accountSystem = recordSystem(account, [0, 1], [1, 2]);
export const accountEntity = define({
  logicalName: 'account',
  entitySet: 'accounts',
  table: account,
  key: 'accountid',
  keyColumn: account.accountid,
  primaryName: 'name',
  securedTable: 'account',
  ownership: 'user',
  ownerColumn: account.ownerid,
  businessUnitColumn: account.owningbusinessunit,
  versionColumn: account.versionnumber,
  attributes: [
    { name: 'accountid', column: account.accountid, type: 'guid', nullable: false },
    text('name', account.name, 160, { requiredOnCreate: true }),
    text('accountnumber', account.accountnumber, 20),
    text('telephone1', account.telephone1, 50),
    text('emailaddress1', account.emailaddress1, 100),
    text('websiteurl', account.websiteurl, 200),
    ...address(account),
    text('description', account.description, 2000),
    { name: 'creditlimit', column: account.creditlimit, type: 'decimal' },
    ...accountSystem.attributes,
  ],
  lookups: [
    {
      attribute: 'transactioncurrencyid',
      column: account.transactioncurrencyid,
      targets: [CURRENCY],
      writable: true,
    },
    {
      attribute: 'primarycontactid',
      column: account.primarycontactid,
      targets: [{ navigation: 'primarycontactid', entitySet: 'contacts', logicalName: 'contact' }],
      writable: true,
    },
    {
      attribute: 'parentaccountid',
      column: account.parentaccountid,
      targets: [{ navigation: 'parentaccountid', entitySet: 'accounts', logicalName: 'account' }],
      writable: true,
    },
    ...accountSystem.lookups,
  ],
  collections: [
    {
      name: 'contact_customer_accounts',
      target: 'contacts',
      local: account.accountid,
      remote: contact.parentcustomerid,
    },
    {
      name: 'opportunity_customer_accounts',
      target: 'opportunities',
      local: account.accountid,
      remote: opportunity.customerid,
    },
    {
      name: 'account_parent_account',
      target: 'accounts',
      local: account.accountid,
      remote: account.parentaccountid,
    },
  ],
  alternateKeys: [['accountnumber']],
  optionLabels: ACTIVE_INACTIVE,
  writableSet: true,
  changeTracking: true,
});

const contactSystem = recordSystem(contact, [0, 1], [1, 2]);
export const contactEntity = define({
  logicalName: 'contact',
  entitySet: 'contacts',
  table: contact,
  key: 'contactid',
  keyColumn: contact.contactid,
  primaryName: 'fullname',
  securedTable: 'contact',
  ownership: 'user',
  ownerColumn: contact.ownerid,
  businessUnitColumn: contact.owningbusinessunit,
  versionColumn: contact.versionnumber,
  attributes: [
    { name: 'contactid', column: contact.contactid, type: 'guid', nullable: false },
    text('firstname', contact.firstname, 50),
    text('lastname', contact.lastname, 50),
    text('fullname', contact.fullname, 160, { readOnly: true }),
    text('emailaddress1', contact.emailaddress1, 100),
    text('telephone1', contact.telephone1, 50),
    text('mobilephone', contact.mobilephone, 50),
    text('jobtitle', contact.jobtitle, 100),
    ...address(contact),
    ...contactSystem.attributes,
  ],
  lookups: [
    {
      attribute: 'parentcustomerid',
      column: contact.parentcustomerid,
      typeColumn: contact.parentcustomeridtype,
      targets: [
        { navigation: 'parentcustomerid_account', entitySet: 'accounts', logicalName: 'account' },
        { navigation: 'parentcustomerid_contact', entitySet: 'contacts', logicalName: 'contact' },
      ],
      writable: true,
    },
    {
      attribute: 'transactioncurrencyid',
      column: contact.transactioncurrencyid,
      targets: [CURRENCY],
      writable: true,
    },
    ...contactSystem.lookups,
  ],
  collections: [
    {
      name: 'opportunity_customer_contacts',
      target: 'opportunities',
      local: contact.contactid,
      remote: opportunity.customerid,
    },
    {
      name: 'contact_customer_contacts',
      target: 'contacts',
      local: contact.contactid,
      remote: contact.parentcustomerid,
    },
    {
      name: 'account_primary_contact',
      target: 'accounts',
      local: contact.contactid,
      remote: account.primarycontactid,
    },
  ],
  optionLabels: ACTIVE_INACTIVE,
  writableSet: true,
  changeTracking: true,
});

const currencySystem = recordSystem(transactioncurrency, [0, 1], [1, 2]);
export const transactionCurrencyEntity = define({
  logicalName: 'transactioncurrency',
  entitySet: 'transactioncurrencies',
  table: transactioncurrency,
  key: 'transactioncurrencyid',
  keyColumn: transactioncurrency.transactioncurrencyid,
  primaryName: 'currencyname',
  securedTable: 'transactioncurrency',
  ownership: 'organization',
  versionColumn: transactioncurrency.versionnumber,
  attributes: [
    {
      name: 'transactioncurrencyid',
      column: transactioncurrency.transactioncurrencyid,
      type: 'guid',
      nullable: false,
    },
    text('isocurrencycode', transactioncurrency.isocurrencycode, 5, {
      requiredOnCreate: true,
      nullable: false,
    }),
    text('currencyname', transactioncurrency.currencyname, 100, { requiredOnCreate: true, nullable: false }),
    text('currencysymbol', transactioncurrency.currencysymbol, 10, {
      requiredOnCreate: true,
      nullable: false,
    }),
    { name: 'exchangerate', column: transactioncurrency.exchangerate, type: 'decimal', nullable: false },
    {
      name: 'currencyprecision',
      column: transactioncurrency.currencyprecision,
      type: 'int',
      nullable: false,
    },
    ...currencySystem.attributes,
  ],
  lookups: currencySystem.lookups.filter(
    (l) => l.attribute !== 'ownerid' && l.attribute !== 'owningbusinessunit',
  ),
  alternateKeys: [['isocurrencycode']],
  optionLabels: ACTIVE_INACTIVE,
  writableSet: true,
  changeTracking: true,
});

const productSystem = recordSystem(product, [0, 1, 2, 3], [1, 2, 0, 3]);
export const productEntity = define({
  logicalName: 'product',
  entitySet: 'products',
  table: product,
  key: 'productid',
  keyColumn: product.productid,
  primaryName: 'name',
  securedTable: 'product',
  ownership: 'organization',
  versionColumn: product.versionnumber,
  attributes: [
    { name: 'productid', column: product.productid, type: 'guid', nullable: false },
    text('name', product.name, 100, { requiredOnCreate: true, nullable: false }),
    text('productnumber', product.productnumber, 100, { requiredOnCreate: true, nullable: false }),
    text('description', product.description, 2000),
    { name: 'price', column: product.price, type: 'decimal' },
    { name: 'standardcost', column: product.standardcost, type: 'decimal' },
    { name: 'currentcost', column: product.currentcost, type: 'decimal' },
    { name: 'quantityonhand', column: product.quantityonhand, type: 'decimal' },
    ...productSystem.attributes,
  ],
  lookups: [
    {
      attribute: 'transactioncurrencyid',
      column: product.transactioncurrencyid,
      targets: [CURRENCY],
      writable: true,
    },
    ...productSystem.lookups.filter((l) => l.attribute !== 'ownerid' && l.attribute !== 'owningbusinessunit'),
  ],
  alternateKeys: [['productnumber']],
  optionLabels: {
    statecode: { 0: 'Active', 1: 'Retired', 2: 'Draft', 3: 'Under Revision' },
    statuscode: { 0: 'Draft', 1: 'Active', 2: 'Retired', 3: 'Under Revision' },
  },
  writableSet: true,
  changeTracking: true,
});

const opportunitySystem = recordSystem(opportunity, [0, 1, 2], [1, 2, 3, 4, 5]);
export const opportunityEntity = define({
  logicalName: 'opportunity',
  entitySet: 'opportunities',
  table: opportunity,
  key: 'opportunityid',
  keyColumn: opportunity.opportunityid,
  primaryName: 'name',
  securedTable: 'opportunity',
  ownership: 'user',
  ownerColumn: opportunity.ownerid,
  businessUnitColumn: opportunity.owningbusinessunit,
  versionColumn: opportunity.versionnumber,
  attributes: [
    { name: 'opportunityid', column: opportunity.opportunityid, type: 'guid', nullable: false },
    text('name', opportunity.name, 300, { requiredOnCreate: true, nullable: false }),
    { name: 'estimatedvalue', column: opportunity.estimatedvalue, type: 'decimal' },
    { name: 'estimatedclosedate', column: opportunity.estimatedclosedate, type: 'date' },
    { name: 'closeprobability', column: opportunity.closeprobability, type: 'int' },
    text('description', opportunity.description, 2000),
    ...opportunitySystem.attributes,
  ],
  lookups: [
    {
      attribute: 'customerid',
      column: opportunity.customerid,
      typeColumn: opportunity.customeridtype,
      targets: [
        { navigation: 'customerid_account', entitySet: 'accounts', logicalName: 'account' },
        { navigation: 'customerid_contact', entitySet: 'contacts', logicalName: 'contact' },
      ],
      writable: true,
    },
    {
      attribute: 'transactioncurrencyid',
      column: opportunity.transactioncurrencyid,
      targets: [CURRENCY],
      writable: true,
    },
    ...opportunitySystem.lookups,
  ],
  optionLabels: {
    statecode: { 0: 'Open', 1: 'Won', 2: 'Lost' },
    statuscode: { 1: 'In Progress', 2: 'On Hold', 3: 'Won', 4: 'Canceled', 5: 'Out-Sold' },
  },
  writableSet: true,
  changeTracking: true,
});

const stampsReadOnly = (t: {
  createdon: Column;
  modifiedon: Column;
  versionnumber: Column;
}): AttributeSpec[] => [
  { name: 'createdon', column: t.createdon, type: 'datetime', nullable: false, readOnly: true },
  { name: 'modifiedon', column: t.modifiedon, type: 'datetime', nullable: false, readOnly: true },
  { name: 'versionnumber', column: t.versionnumber, type: 'int', nullable: false, readOnly: true },
];

export const systemUserEntity = define({
  logicalName: 'systemuser',
  entitySet: 'systemusers',
  table: systemusers,
  key: 'systemuserid',
  keyColumn: systemusers.systemuserid,
  primaryName: 'fullname',
  securedTable: 'systemuser',
  ownership: 'businessunit',
  // A user record "belongs" to the user themself for User-depth reads, and to their business unit.
  ownerColumn: systemusers.systemuserid,
  businessUnitColumn: systemusers.businessunitid,
  versionColumn: systemusers.versionnumber,
  attributes: [
    { name: 'systemuserid', column: systemusers.systemuserid, type: 'guid', nullable: false },
    text('domainname', systemusers.domainname, 1024, { nullable: false }),
    text('internalemailaddress', systemusers.internalemailaddress, 100),
    text('fullname', systemusers.fullname, 200),
    text('firstname', systemusers.firstname, 64),
    text('lastname', systemusers.lastname, 64),
    text('title', systemusers.title, 128),
    text('mobilephone', systemusers.mobilephone, 64),
    text('address1_telephone1', systemusers.address1_telephone1, 64),
    {
      name: 'accessmode',
      column: systemusers.accessmode,
      type: 'enum',
      nullable: false,
      enumValues: [0, 1, 2, 3, 4, 5],
    },
    { name: 'isdisabled', column: systemusers.isdisabled, type: 'boolean', nullable: false },
    text('disabledreason', systemusers.disabledreason, 500, { readOnly: true }),
    { name: 'islicensed', column: systemusers.islicensed, type: 'boolean', nullable: false },
    { name: 'isintegrationuser', column: systemusers.isintegrationuser, type: 'boolean', nullable: false },
    { name: 'applicationid', column: systemusers.applicationid, type: 'guid' },
    { name: 'azureactivedirectoryobjectid', column: systemusers.azureactivedirectoryobjectid, type: 'guid' },
    { name: 'caltype', column: systemusers.caltype, type: 'enum', nullable: false },
    ...stampsReadOnly(systemusers),
  ],
  lookups: [
    {
      attribute: 'businessunitid',
      column: systemusers.businessunitid,
      targets: [{ navigation: 'businessunitid', entitySet: 'businessunits', logicalName: 'businessunit' }],
      writable: false,
    },
    {
      attribute: 'createdby',
      column: systemusers.createdby,
      targets: [{ ...USER, navigation: 'createdby' }],
      writable: false,
    },
    {
      attribute: 'modifiedby',
      column: systemusers.modifiedby,
      targets: [{ ...USER, navigation: 'modifiedby' }],
      writable: false,
    },
  ],
  collections: [
    { name: 'user_accounts', target: 'accounts', local: systemusers.systemuserid, remote: account.ownerid },
  ],
  optionLabels: {
    accessmode: {
      0: 'Read-Write',
      1: 'Administrative',
      2: 'Read',
      3: 'Support User',
      4: 'Non-interactive',
      5: 'Delegated Admin',
    },
  },
  writableSet: false,
  changeTracking: true,
});

export const roleEntity = define({
  logicalName: 'role',
  entitySet: 'roles',
  table: roles,
  key: 'roleid',
  keyColumn: roles.roleid,
  primaryName: 'name',
  securedTable: 'role',
  ownership: 'businessunit',
  businessUnitColumn: roles.businessunitid,
  versionColumn: roles.versionnumber,
  attributes: [
    { name: 'roleid', column: roles.roleid, type: 'guid', nullable: false },
    text('name', roles.name, 100, { nullable: false }),
    text('roletemplatekey', roles.roletemplatekey, 100),
    { name: 'iscustomizable', column: roles.iscustomizable, type: 'boolean', nullable: false },
    { name: 'ismanaged', column: roles.ismanaged, type: 'boolean', nullable: false },
    ...stampsReadOnly(roles),
  ],
  lookups: [
    {
      attribute: 'businessunitid',
      column: roles.businessunitid,
      targets: [{ navigation: 'businessunitid', entitySet: 'businessunits', logicalName: 'businessunit' }],
      writable: false,
    },
    {
      attribute: 'parentrootroleid',
      column: roles.parentrootroleid,
      targets: [{ navigation: 'parentrootroleid', entitySet: 'roles', logicalName: 'role' }],
      writable: false,
    },
  ],
  writableSet: false,
  changeTracking: false,
});

export const businessUnitEntity = define({
  logicalName: 'businessunit',
  entitySet: 'businessunits',
  table: businessunits,
  key: 'businessunitid',
  keyColumn: businessunits.businessunitid,
  primaryName: 'name',
  securedTable: 'businessunit',
  ownership: 'businessunit',
  businessUnitColumn: businessunits.businessunitid,
  versionColumn: businessunits.versionnumber,
  attributes: [
    { name: 'businessunitid', column: businessunits.businessunitid, type: 'guid', nullable: false },
    text('name', businessunits.name, 160, { nullable: false }),
    { name: 'isdisabled', column: businessunits.isdisabled, type: 'boolean', nullable: false },
    ...stampsReadOnly(businessunits),
  ],
  lookups: [
    {
      attribute: 'parentbusinessunitid',
      column: businessunits.parentbusinessunitid,
      targets: [
        { navigation: 'parentbusinessunitid', entitySet: 'businessunits', logicalName: 'businessunit' },
      ],
      writable: false,
    },
  ],
  collections: [
    {
      name: 'business_unit_system_users',
      target: 'systemusers',
      local: businessunits.businessunitid,
      remote: systemusers.businessunitid,
    },
  ],
  writableSet: false,
  changeTracking: false,
});
