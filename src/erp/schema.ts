import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  jsonb,
  numeric,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { SYSTEM_ACTOR, versionedColumns } from '../platform/db/versioned-columns.js';

/** The ERP's own Postgres schema: nothing outside src/erp reads or writes these tables. */
export const erp = pgSchema('erp');

/**
 * Row versions for every ERP table. The change feed and ETags stand on them. Record writes take the
 * company write lock (write-lock.ts) before drawing a version, so versions commit in order per company.
 */
export const rowVersionSeq = erp.sequence('row_version');
export const nextRowVersion = sql`nextval('erp.row_version')`;

export { SYSTEM_ACTOR };

const versioned = versionedColumns(nextRowVersion);

/** A company: every record belongs to exactly one. `lcyCode` is its local currency. */
export const companies = erp.table('companies', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  displayName: text('display_name').notNull(),
  businessProfileId: text('business_profile_id').notNull().default(''),
  lcyCode: text('lcy_code').notNull(),
  createdBy: uuid('created_by').notNull(),
  ...versioned,
});

/** Number series per company (customers, items, contacts, opportunities): prefix + zero-padded counter, step. */
export const numberSeries = erp.table(
  'number_series',
  {
    companyId: uuid('company_id')
      .notNull()
      .references(() => companies.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    prefix: text('prefix').notNull(),
    width: bigint('width', { mode: 'number' }).notNull(),
    step: bigint('step', { mode: 'number' }).notNull(),
    lastNo: bigint('last_no', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.code] })],
);

export const USER_KINDS = ['user', 'application'] as const;
export type ErpUserKind = (typeof USER_KINDS)[number];
export const USER_STATES = ['enabled', 'disabled'] as const;
export type ErpUserState = (typeof USER_STATES)[number];

/**
 * ERP users: directory users provisioned from the directory feed (id = directory object id), and
 * application identities a SUPER user registered by appId (id generated; `appId` set).
 */
export const users = erp.table(
  'users',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind').$type<ErpUserKind>().notNull(),
    appId: text('app_id').unique(),
    userName: text('user_name').notNull(),
    displayName: text('display_name').notNull(),
    email: text('email'),
    state: text('state').$type<ErpUserState>().notNull(),
    /** Why the user is disabled, in words a person can act on. */
    disabledReason: text('disabled_reason'),
    licensed: boolean('licensed').notNull().default(false),
    globalAdministrator: boolean('global_administrator').notNull().default(false),
    /** Directory row version last applied: an older snapshot never overwrites a newer one. */
    directoryVersion: bigint('directory_version', { mode: 'number' }).notNull().default(0),
    ...versioned,
  },
  (t) => [index('users_user_name_idx').on(t.userName)],
);

/** Which permission sets a user holds; `origin` says whether provisioning or a SUPER user gave it. */
export const userPermissionSets = erp.table(
  'user_permission_sets',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    permissionSet: text('permission_set').notNull(),
    origin: text('origin').$type<'provisioning' | 'assigned'>().notNull(),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
    assignedBy: uuid('assigned_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.permissionSet] })],
);

/** Administrative actions (permission-set assignment, application registration, companies). */
export const auditLog = erp.table(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id').notNull(),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    details: jsonb('details').notNull().default({}),
  },
  (t) => [index('audit_log_at_idx').on(t.at)],
);

/** Cursors of feed consumers (the directory user feed), one row per consumer. */
export const feedCursors = erp.table('feed_cursors', {
  consumer: text('consumer').primaryKey(),
  cursor: bigint('cursor', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

const companyId = () =>
  uuid('company_id')
    .notNull()
    .references(() => companies.id, { onDelete: 'cascade' });

/** Salespeople/purchasers (BC table 13). */
export const salespeople = erp.table(
  'salespeople',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: companyId(),
    code: text('code').notNull(),
    displayName: text('display_name').notNull().default(''),
    email: text('email').notNull().default(''),
    email2: text('email2').notNull().default(''),
    phoneNo: text('phone_no').notNull().default(''),
    jobTitle: text('job_title').notNull().default(''),
    commissionPercent: numeric('commission_percent').notNull().default('0'),
    privacyBlocked: boolean('privacy_blocked').notNull().default(false),
    blocked: boolean('blocked').notNull().default(false),
    ...versioned,
  },
  (t) => [
    uniqueIndex('salespeople_code_idx').on(t.companyId, t.code),
    index('salespeople_row_version_idx').on(t.companyId, t.rowVersion),
  ],
);

/** Customers (BC table 18). Blank currency code = the company's local currency. */
export const customers = erp.table(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: companyId(),
    number: text('number').notNull(),
    displayName: text('display_name').notNull().default(''),
    type: text('type').notNull().default('Company'),
    addressLine1: text('address_line1').notNull().default(''),
    addressLine2: text('address_line2').notNull().default(''),
    city: text('city').notNull().default(''),
    state: text('state').notNull().default(''),
    country: text('country').notNull().default(''),
    postalCode: text('postal_code').notNull().default(''),
    phoneNumber: text('phone_number').notNull().default(''),
    email: text('email').notNull().default(''),
    website: text('website').notNull().default(''),
    salespersonCode: text('salesperson_code').notNull().default(''),
    creditLimit: numeric('credit_limit').notNull().default('0'),
    taxLiable: boolean('tax_liable').notNull().default(false),
    taxAreaId: uuid('tax_area_id')
      .notNull()
      .default(sql`'00000000-0000-0000-0000-000000000000'`),
    taxRegistrationNumber: text('tax_registration_number').notNull().default(''),
    currencyCode: text('currency_code').notNull().default(''),
    paymentTermsCode: text('payment_terms_code').notNull().default(''),
    shipmentMethodId: uuid('shipment_method_id')
      .notNull()
      .default(sql`'00000000-0000-0000-0000-000000000000'`),
    paymentMethodId: uuid('payment_method_id')
      .notNull()
      .default(sql`'00000000-0000-0000-0000-000000000000'`),
    blocked: text('blocked').notNull().default(' '),
    ...versioned,
  },
  (t) => [
    uniqueIndex('customers_number_idx').on(t.companyId, t.number),
    index('customers_row_version_idx').on(t.companyId, t.rowVersion),
  ],
);

/** Contacts (BC table 5050): a person may belong to a company contact through `companyNumber`. */
export const contacts = erp.table(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: companyId(),
    number: text('number').notNull(),
    type: text('type').notNull().default('Company'),
    displayName: text('display_name').notNull().default(''),
    companyNumber: text('company_number').notNull().default(''),
    contactBusinessRelation: text('contact_business_relation').notNull().default('None'),
    addressLine1: text('address_line1').notNull().default(''),
    addressLine2: text('address_line2').notNull().default(''),
    city: text('city').notNull().default(''),
    state: text('state').notNull().default(''),
    country: text('country').notNull().default(''),
    postalCode: text('postal_code').notNull().default(''),
    phoneNumber: text('phone_number').notNull().default(''),
    mobilePhoneNumber: text('mobile_phone_number').notNull().default(''),
    email: text('email').notNull().default(''),
    website: text('website').notNull().default(''),
    searchName: text('search_name').notNull().default(''),
    privacyBlocked: boolean('privacy_blocked').notNull().default(false),
    taxRegistrationNumber: text('tax_registration_number').notNull().default(''),
    lastInteractionDate: date('last_interaction_date'),
    ...versioned,
  },
  (t) => [
    uniqueIndex('contacts_number_idx').on(t.companyId, t.number),
    index('contacts_company_number_idx').on(t.companyId, t.companyNumber),
    index('contacts_row_version_idx').on(t.companyId, t.rowVersion),
  ],
);

/**
 * Opportunities (BC table 5092). BC derives status, values, percentages and the closing date from
 * opportunity entries (sales cycle stages), which Tandem does not model: they are stored here.
 * `closed` and the calculated current value are computed from them (opportunities.ts).
 */
export const opportunities = erp.table(
  'opportunities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: companyId(),
    number: text('number').notNull(),
    description: text('description').notNull().default(''),
    contactNumber: text('contact_number').notNull().default(''),
    salespersonCode: text('salesperson_code').notNull().default(''),
    status: text('status').notNull().default('Not Started'),
    creationDate: date('creation_date')
      .notNull()
      .default(sql`current_date`),
    dateClosed: date('date_closed'),
    chancesOfSuccessPrc: numeric('chances_of_success_prc').notNull().default('0'),
    completedPrc: numeric('completed_prc').notNull().default('0'),
    estimatedClosingDate: date('estimated_closing_date'),
    estimatedValue: numeric('estimated_value').notNull().default('0'),
    ...versioned,
  },
  (t) => [
    uniqueIndex('opportunities_number_idx').on(t.companyId, t.number),
    index('opportunities_contact_number_idx').on(t.companyId, t.contactNumber),
    index('opportunities_salesperson_code_idx').on(t.companyId, t.salespersonCode),
    index('opportunities_row_version_idx').on(t.companyId, t.rowVersion),
  ],
);

const ZERO_GUID = sql`'00000000-0000-0000-0000-000000000000'`;

/** Items (BC table 27). Category, tax and posting groups are kept as given (not modelled here). */
export const items = erp.table(
  'items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: companyId(),
    number: text('number').notNull(),
    displayName: text('display_name').notNull().default(''),
    displayName2: text('display_name2').notNull().default(''),
    type: text('type').notNull().default('Inventory'),
    itemCategoryId: uuid('item_category_id').notNull().default(ZERO_GUID),
    itemCategoryCode: text('item_category_code').notNull().default(''),
    blocked: boolean('blocked').notNull().default(false),
    gtin: text('gtin').notNull().default(''),
    inventory: numeric('inventory').notNull().default('0'),
    unitPrice: numeric('unit_price').notNull().default('0'),
    priceIncludesTax: boolean('price_includes_tax').notNull().default(false),
    unitCost: numeric('unit_cost').notNull().default('0'),
    taxGroupId: uuid('tax_group_id').notNull().default(ZERO_GUID),
    taxGroupCode: text('tax_group_code').notNull().default(''),
    baseUnitOfMeasureCode: text('base_unit_of_measure_code').notNull().default(''),
    generalProductPostingGroupId: uuid('general_product_posting_group_id').notNull().default(ZERO_GUID),
    generalProductPostingGroupCode: text('general_product_posting_group_code').notNull().default(''),
    inventoryPostingGroupId: uuid('inventory_posting_group_id').notNull().default(ZERO_GUID),
    inventoryPostingGroupCode: text('inventory_posting_group_code').notNull().default(''),
    ...versioned,
  },
  (t) => [
    uniqueIndex('items_number_idx').on(t.companyId, t.number),
    index('items_row_version_idx').on(t.companyId, t.rowVersion),
  ],
);

/** Currencies (BC table 4); the company's local currency is one of them. */
export const currencies = erp.table(
  'currencies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: companyId(),
    code: text('code').notNull(),
    displayName: text('display_name').notNull().default(''),
    symbol: text('symbol').notNull().default(''),
    amountDecimalPlaces: text('amount_decimal_places').notNull().default('2:2'),
    amountRoundingPrecision: numeric('amount_rounding_precision').notNull().default('0.01'),
    ...versioned,
  },
  (t) => [
    uniqueIndex('currencies_code_idx').on(t.companyId, t.code),
    index('currencies_row_version_idx').on(t.companyId, t.rowVersion),
  ],
);

/** Units of measure (BC table 204). */
export const unitsOfMeasure = erp.table(
  'units_of_measure',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: companyId(),
    code: text('code').notNull(),
    displayName: text('display_name').notNull().default(''),
    internationalStandardCode: text('international_standard_code').notNull().default(''),
    symbol: text('symbol').notNull().default(''),
    ...versioned,
  },
  (t) => [
    uniqueIndex('units_of_measure_code_idx').on(t.companyId, t.code),
    index('units_of_measure_row_version_idx').on(t.companyId, t.rowVersion),
  ],
);

/** Payment terms (BC table 3). Date formulas are kept as text (e.g. `14D`, `1M+CM`). */
export const paymentTerms = erp.table(
  'payment_terms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: companyId(),
    code: text('code').notNull(),
    displayName: text('display_name').notNull().default(''),
    dueDateCalculation: text('due_date_calculation').notNull().default(''),
    discountDateCalculation: text('discount_date_calculation').notNull().default(''),
    discountPercent: numeric('discount_percent').notNull().default('0'),
    calculateDiscountOnCreditMemos: boolean('calculate_discount_on_credit_memos').notNull().default(false),
    ...versioned,
  },
  (t) => [
    uniqueIndex('payment_terms_code_idx').on(t.companyId, t.code),
    index('payment_terms_row_version_idx').on(t.companyId, t.rowVersion),
  ],
);

/**
 * Deleted records, so the change feed reports deletions: the record's id and key, who deleted it,
 * when, and a row version drawn under the same company write lock as every other change.
 */
export const tombstones = erp.table(
  'tombstones',
  {
    rowVersion: bigint('row_version', { mode: 'number' }).primaryKey().default(nextRowVersion),
    companyId: companyId(),
    entitySet: text('entity_set').notNull(),
    recordId: uuid('record_id').notNull(),
    recordKey: text('record_key').notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }).notNull().defaultNow(),
    deletedBy: uuid('deleted_by').notNull(),
  },
  (t) => [index('tombstones_feed_idx').on(t.companyId, t.entitySet, t.rowVersion)],
);
