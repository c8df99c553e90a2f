import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

/**
 * The Sales app's own Postgres schema. Tables and columns use Dataverse logical names, so the Web API
 * maps them one to one (`account.name` is `accounts?$select=name`).
 */
export const sales = pgSchema('sales');

/**
 * Row versions of every versioned Sales table (`versionnumber`): ETags, change tracking and the
 * bridge's echo suppression stand on it. A BEFORE trigger sets it on every insert and update
 * (migration 0001), so no write path can forget it; the column default only makes it optional in
 * drizzle's insert types.
 */
export const versionSeq = sales.sequence('version');
export const nextVersion = sql`nextval('sales.version')`;

/** The Sales SYSTEM user (Dataverse has one too): the actor of writes Tandem makes by itself. */
export const SYSTEM_USER_ID = '00000000-0000-0000-0000-000000000000';

/** Who wrote a row and when; createdon/createdby are kept by the trigger on update. */
const stamps = {
  createdon: timestamp('createdon', { withTimezone: true }).notNull().defaultNow(),
  createdby: uuid('createdby').notNull(),
  modifiedon: timestamp('modifiedon', { withTimezone: true }).notNull().defaultNow(),
  modifiedby: uuid('modifiedby').notNull(),
  versionnumber: bigint('versionnumber', { mode: 'number' }).notNull().default(nextVersion),
};

/** The organisation (one row): its name, base currency and settings. */
export const organization = sales.table('organization', {
  organizationid: uuid('organizationid').primaryKey().defaultRandom(),
  name: varchar('name', { length: 160 }).notNull(),
  /** The base currency; set once the currency row exists (first start). */
  basecurrencyid: uuid('basecurrencyid'),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  ...stamps,
});

/** Business units: a tree with one root (named after the tenant). Users and records belong to one. */
export const businessunits = sales.table(
  'businessunits',
  {
    businessunitid: uuid('businessunitid').primaryKey().defaultRandom(),
    name: varchar('name', { length: 160 }).notNull(),
    /** Null only for the root. */
    parentbusinessunitid: uuid('parentbusinessunitid').references(
      (): AnyPgColumn => businessunits.businessunitid,
    ),
    isdisabled: boolean('isdisabled').notNull().default(false),
    ...stamps,
  },
  (t) => [
    uniqueIndex('businessunits_name_key').on(t.name),
    // One root: at most one row may have no parent.
    uniqueIndex('businessunits_one_root')
      .on(sql`(true)`)
      .where(sql`parentbusinessunitid is null`),
    index('businessunits_parent_idx').on(t.parentbusinessunitid),
  ],
);

/** Access modes of a systemuser (Dataverse `accessmode`). */
export const ACCESS_MODE = {
  ReadWrite: 0,
  Administrative: 1,
  Read: 2,
  SupportUser: 3,
  NonInteractive: 4,
  DelegatedAdmin: 5,
} as const;

/** Sales users, provisioned from the directory (people) or created for applications. */
export const systemusers = sales.table(
  'systemusers',
  {
    systemuserid: uuid('systemuserid').primaryKey().defaultRandom(),
    /** The UPN. */
    domainname: varchar('domainname', { length: 1024 }).notNull(),
    internalemailaddress: varchar('internalemailaddress', { length: 100 }),
    fullname: varchar('fullname', { length: 200 }),
    firstname: varchar('firstname', { length: 64 }),
    lastname: varchar('lastname', { length: 64 }),
    title: varchar('title', { length: 128 }),
    mobilephone: varchar('mobilephone', { length: 64 }),
    address1_telephone1: varchar('address1_telephone1', { length: 64 }),
    /** 0 Read-Write, 1 Administrative, 2 Read, 3 Support User, 4 Non-interactive, 5 Delegated Admin. */
    accessmode: integer('accessmode').notNull().default(0),
    isdisabled: boolean('isdisabled').notNull().default(false),
    islicensed: boolean('islicensed').notNull().default(false),
    isintegrationuser: boolean('isintegrationuser').notNull().default(false),
    /** Set only for application users (the directory application's client id). */
    applicationid: uuid('applicationid'),
    /** The directory object id (user or application); null for the SYSTEM user. */
    azureactivedirectoryobjectid: uuid('azureactivedirectoryobjectid'),
    businessunitid: uuid('businessunitid')
      .notNull()
      .references(() => businessunits.businessunitid),
    /** 0 Professional, 1 Administrative, … (Dataverse caltype). */
    caltype: integer('caltype').notNull().default(0),
    /** Why the user is disabled, in words (licence removed, blocked, deleted in the directory). */
    disabledreason: text('disabledreason'),
    ...stamps,
  },
  (t) => [
    uniqueIndex('systemusers_aad_key').on(t.azureactivedirectoryobjectid),
    uniqueIndex('systemusers_applicationid_key').on(t.applicationid),
    index('systemusers_domainname_idx').on(t.domainname),
    index('systemusers_businessunit_idx').on(t.businessunitid),
    index('systemusers_version_idx').on(t.versionnumber),
  ],
);

/** Solutions installed (the system solution and imported ones, e.g. the integration solution). */
export const solutions = sales.table(
  'solutions',
  {
    solutionid: uuid('solutionid').primaryKey().defaultRandom(),
    uniquename: varchar('uniquename', { length: 65 }).notNull(),
    friendlyname: varchar('friendlyname', { length: 256 }).notNull(),
    version: varchar('version', { length: 32 }).notNull(),
    ismanaged: boolean('ismanaged').notNull().default(true),
    installedon: timestamp('installedon', { withTimezone: true }).notNull().defaultNow(),
    /** The manifest as imported (roles, privileges, columns it adds). */
    manifest: jsonb('manifest').$type<Record<string, unknown>>().notNull(),
    ...stamps,
  },
  (t) => [uniqueIndex('solutions_uniquename_key').on(t.uniquename)],
);

/**
 * Security roles. As in Dataverse, roles are per business unit: each role defined in the root BU
 * has a copy in every child BU (`parentrootroleid` points at the root role, which holds the
 * privileges), and a user can only get the copy in their own BU.
 */
export const roles = sales.table(
  'roles',
  {
    roleid: uuid('roleid').primaryKey().defaultRandom(),
    name: varchar('name', { length: 100 }).notNull(),
    businessunitid: uuid('businessunitid')
      .notNull()
      .references(() => businessunits.businessunitid),
    /** The root BU's role this one inherits from; null on the root role itself. */
    parentrootroleid: uuid('parentrootroleid').references((): AnyPgColumn => roles.roleid, {
      onDelete: 'cascade',
    }),
    /** Stable key of a built-in or solution role ('system_administrator', 'integration_user'). */
    roletemplatekey: varchar('roletemplatekey', { length: 100 }),
    solutionid: uuid('solutionid').references(() => solutions.solutionid),
    iscustomizable: boolean('iscustomizable').notNull().default(true),
    ismanaged: boolean('ismanaged').notNull().default(false),
    ...stamps,
  },
  (t) => [
    uniqueIndex('roles_bu_name_key').on(t.businessunitid, t.name),
    index('roles_parentroot_idx').on(t.parentrootroleid),
    index('roles_version_idx').on(t.versionnumber),
  ],
);

/**
 * Privileges of a (root) role. `privilegename` is the Dataverse name (prvReadAccount,
 * prvAssignRole, prvImportCustomization); record privileges also carry their table and right.
 * Depth: None, User, BusinessUnit, ParentChildBusinessUnit, Organization.
 */
export const roleprivileges = sales.table(
  'roleprivileges',
  {
    roleid: uuid('roleid')
      .notNull()
      .references(() => roles.roleid, { onDelete: 'cascade' }),
    privilegename: varchar('privilegename', { length: 100 }).notNull(),
    /** Table logical name for record privileges; null for special privileges. */
    tablename: varchar('tablename', { length: 64 }),
    /** Create, Read, Write, Delete, Append, AppendTo, Assign, Share; null for special privileges. */
    accessright: varchar('accessright', { length: 16 }),
    depth: varchar('depth', { length: 32 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.roleid, t.privilegename] })],
);

/** Which users hold which roles (the N:N `systemuserroles_association`). */
export const systemuserroles = sales.table(
  'systemuserroles',
  {
    systemuserid: uuid('systemuserid')
      .notNull()
      .references(() => systemusers.systemuserid),
    roleid: uuid('roleid')
      .notNull()
      .references(() => roles.roleid, { onDelete: 'cascade' }),
    createdon: timestamp('createdon', { withTimezone: true }).notNull().defaultNow(),
    createdby: uuid('createdby').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.systemuserid, t.roleid] }),
    index('systemuserroles_role_idx').on(t.roleid),
  ],
);

/** System columns of every record table; ownerid is null on organisation-owned tables. */
const recordColumns = {
  ownerid: uuid('ownerid').references(() => systemusers.systemuserid),
  owningbusinessunit: uuid('owningbusinessunit').references(() => businessunits.businessunitid),
  ...stamps,
  statecode: integer('statecode').notNull().default(0),
  statuscode: integer('statuscode').notNull().default(1),
};

const money = (name: string) => numeric(name, { precision: 19, scale: 4, mode: 'number' });

/** Currencies (organisation-owned). The base currency is created on first start. */
export const transactioncurrency = sales.table(
  'transactioncurrency',
  {
    transactioncurrencyid: uuid('transactioncurrencyid').primaryKey().defaultRandom(),
    isocurrencycode: varchar('isocurrencycode', { length: 5 }).notNull(),
    currencyname: varchar('currencyname', { length: 100 }).notNull(),
    currencysymbol: varchar('currencysymbol', { length: 10 }).notNull(),
    exchangerate: numeric('exchangerate', { precision: 23, scale: 10, mode: 'number' }).notNull().default(1),
    currencyprecision: integer('currencyprecision').notNull().default(2),
    ...recordColumns,
  },
  (t) => [
    uniqueIndex('transactioncurrency_iso_key').on(t.isocurrencycode),
    index('transactioncurrency_version_idx').on(t.versionnumber),
  ],
);

const address1 = {
  address1_line1: varchar('address1_line1', { length: 250 }),
  address1_city: varchar('address1_city', { length: 80 }),
  address1_stateorprovince: varchar('address1_stateorprovince', { length: 50 }),
  address1_postalcode: varchar('address1_postalcode', { length: 20 }),
  address1_country: varchar('address1_country', { length: 80 }),
};

/** Accounts (user-owned). statecode 0 Active, 1 Inactive. */
export const account = sales.table(
  'account',
  {
    accountid: uuid('accountid').primaryKey().defaultRandom(),
    name: varchar('name', { length: 160 }).notNull(),
    accountnumber: varchar('accountnumber', { length: 20 }),
    telephone1: varchar('telephone1', { length: 50 }),
    emailaddress1: varchar('emailaddress1', { length: 100 }),
    websiteurl: varchar('websiteurl', { length: 200 }),
    ...address1,
    description: text('description'),
    creditlimit: money('creditlimit'),
    transactioncurrencyid: uuid('transactioncurrencyid').references(
      () => transactioncurrency.transactioncurrencyid,
    ),
    primarycontactid: uuid('primarycontactid').references((): AnyPgColumn => contact.contactid, {
      onDelete: 'set null',
    }),
    parentaccountid: uuid('parentaccountid').references((): AnyPgColumn => account.accountid, {
      onDelete: 'set null',
    }),
    ...recordColumns,
  },
  (t) => [
    index('account_version_idx').on(t.versionnumber),
    index('account_owner_idx').on(t.ownerid),
    index('account_bu_idx').on(t.owningbusinessunit),
    // accountnumber is the account's alternate key (upsert by key): unique, so concurrent upserts cannot duplicate it.
    uniqueIndex('account_accountnumber_key').on(t.accountnumber),
  ],
);

/** Contacts (user-owned). parentcustomerid is an account or a contact, told by parentcustomeridtype. */
export const contact = sales.table(
  'contact',
  {
    contactid: uuid('contactid').primaryKey().defaultRandom(),
    firstname: varchar('firstname', { length: 50 }),
    lastname: varchar('lastname', { length: 50 }),
    fullname: varchar('fullname', { length: 160 }),
    emailaddress1: varchar('emailaddress1', { length: 100 }),
    telephone1: varchar('telephone1', { length: 50 }),
    mobilephone: varchar('mobilephone', { length: 50 }),
    jobtitle: varchar('jobtitle', { length: 100 }),
    ...address1,
    parentcustomerid: uuid('parentcustomerid'),
    /** 'account' | 'contact'. */
    parentcustomeridtype: varchar('parentcustomeridtype', { length: 16 }),
    transactioncurrencyid: uuid('transactioncurrencyid').references(
      () => transactioncurrency.transactioncurrencyid,
    ),
    ...recordColumns,
  },
  (t) => [
    index('contact_version_idx').on(t.versionnumber),
    index('contact_owner_idx').on(t.ownerid),
    index('contact_bu_idx').on(t.owningbusinessunit),
    index('contact_parentcustomer_idx').on(t.parentcustomerid),
  ],
);

/** Products (organisation-owned). statecode 0 Active, 1 Retired, 2 Draft, 3 Under Revision. */
export const product = sales.table(
  'product',
  {
    productid: uuid('productid').primaryKey().defaultRandom(),
    name: varchar('name', { length: 100 }).notNull(),
    productnumber: varchar('productnumber', { length: 100 }).notNull(),
    description: text('description'),
    price: money('price'),
    standardcost: money('standardcost'),
    currentcost: money('currentcost'),
    quantityonhand: numeric('quantityonhand', { precision: 23, scale: 5, mode: 'number' }),
    transactioncurrencyid: uuid('transactioncurrencyid').references(
      () => transactioncurrency.transactioncurrencyid,
    ),
    ...recordColumns,
  },
  (t) => [
    uniqueIndex('product_productnumber_key').on(t.productnumber),
    index('product_version_idx').on(t.versionnumber),
  ],
);

/** Opportunities (user-owned). statecode 0 Open, 1 Won, 2 Lost. customerid is an account or contact. */
export const opportunity = sales.table(
  'opportunity',
  {
    opportunityid: uuid('opportunityid').primaryKey().defaultRandom(),
    name: varchar('name', { length: 300 }).notNull(),
    customerid: uuid('customerid'),
    /** 'account' | 'contact'. */
    customeridtype: varchar('customeridtype', { length: 16 }),
    estimatedvalue: money('estimatedvalue'),
    estimatedclosedate: date('estimatedclosedate', { mode: 'string' }),
    closeprobability: integer('closeprobability'),
    description: text('description'),
    transactioncurrencyid: uuid('transactioncurrencyid').references(
      () => transactioncurrency.transactioncurrencyid,
    ),
    ...recordColumns,
  },
  (t) => [
    index('opportunity_version_idx').on(t.versionnumber),
    index('opportunity_owner_idx').on(t.ownerid),
    index('opportunity_bu_idx').on(t.owningbusinessunit),
    index('opportunity_customer_idx').on(t.customerid),
  ],
);

/**
 * Deleted records, for change tracking: an AFTER DELETE trigger on every record table writes one row
 * with a fresh versionnumber, so a delta link after version N lists deletions after N too.
 */
export const deletedRecords = sales.table(
  'deleted_records',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entitylogicalname: varchar('entitylogicalname', { length: 64 }).notNull(),
    objectid: uuid('objectid').notNull(),
    ownerid: uuid('ownerid'),
    owningbusinessunit: uuid('owningbusinessunit'),
    versionnumber: bigint('versionnumber', { mode: 'number' }).notNull().default(nextVersion),
    deletedon: timestamp('deletedon', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('deleted_records_entity_version_idx').on(t.entitylogicalname, t.versionnumber),
    index('deleted_records_deletedon_idx').on(t.deletedon),
  ],
);

/** Where user provisioning is in the directory's feed (one row per consumer). */
export const provisioningState = sales.table('provisioning_state', {
  consumer: text('consumer').primaryKey(),
  /** Last directory outbox id applied; null until the first full load is complete. */
  cursor: bigint('cursor', { mode: 'number' }),
  /** The feed position taken before a full load starts: the cursor once it completes. */
  fullLoadCursor: bigint('full_load_cursor', { mode: 'number' }),
  /** Full load progress: the last directory user id loaded. */
  fullLoadAfterId: uuid('full_load_after_id'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Administrative actions in Sales (role assignment, access mode, solution import). */
export const auditLog = sales.table(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** The acting systemuser. */
    actorid: uuid('actorid').notNull(),
    actorname: text('actorname').notNull(),
    action: text('action').notNull(),
    targettype: text('targettype').notNull(),
    targetid: text('targetid'),
    /** Never a secret: names, counts and ids only. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('sales_audit_at_idx').on(t.at)],
);

/** Record tables (logical name → table) with their primary key column: for triggers and generic code. */
export const RECORD_TABLES = {
  account: { table: account, key: 'accountid', ownership: 'user' },
  contact: { table: contact, key: 'contactid', ownership: 'user' },
  transactioncurrency: {
    table: transactioncurrency,
    key: 'transactioncurrencyid',
    ownership: 'organization',
  },
  product: { table: product, key: 'productid', ownership: 'organization' },
  opportunity: { table: opportunity, key: 'opportunityid', ownership: 'user' },
} as const;

export type RecordTableName = keyof typeof RECORD_TABLES;
