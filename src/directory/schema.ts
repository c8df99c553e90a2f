import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { SYSTEM_ACTOR, versionedColumns } from '../platform/db/versioned-columns.js';

/** The directory's own Postgres schema: nothing outside src/directory reads or writes these tables. */
export const directory = pgSchema('directory');

/** Row versions for every directory table: the change feed and optimistic concurrency stand on it. */
export const rowVersionSeq = directory.sequence('row_version');
export const nextRowVersion = sql`nextval('directory.row_version')`;

export { SYSTEM_ACTOR };

const versioned = versionedColumns(nextRowVersion);

/** Key/value settings of the tenant (tenant id, name, first-run marker). */
export const settings = directory.table('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
});

/** Verified domains: a UPN must end in one of them. */
export const domains = directory.table('domains', {
  name: text('name').primaryKey(),
  isDefault: boolean('is_default').notNull().default(false),
  ...versioned,
});

export const DIRECTORY_ROLES = ['global_administrator', 'user_administrator', 'user'] as const;
export type DirectoryRole = (typeof DIRECTORY_ROLES)[number];

export const users = directory.table(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Stored lower-case; unique. */
    userPrincipalName: text('user_principal_name').notNull(),
    firstName: text('first_name'),
    lastName: text('last_name'),
    displayName: text('display_name').notNull(),
    jobTitle: text('job_title'),
    department: text('department'),
    officeNumber: text('office_number'),
    officePhone: text('office_phone'),
    mobilePhone: text('mobile_phone'),
    fax: text('fax'),
    alternateEmail: text('alternate_email'),
    address: text('address'),
    city: text('city'),
    state: text('state'),
    postalCode: text('postal_code'),
    country: text('country'),
    /** ISO 3166-1 alpha-2; required before a licence can be assigned. */
    usageLocation: text('usage_location'),
    signInAllowed: boolean('sign_in_allowed').notNull().default(true),
    directoryRole: text('directory_role').$type<DirectoryRole>().notNull().default('user'),
    /**
     * Why this account is protected like an administrator (e.g. it is the ERP ↔ Sales connection's
     * integration identity): only Global administrators may change it, its password or licences.
     */
    protectedFor: text('protected_for'),
    /** `scrypt$…` for chosen passwords, `hmac$…` for generated temporary ones; null: cannot sign in. */
    passwordHash: text('password_hash'),
    mustChangePassword: boolean('must_change_password').notNull().default(true),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
    ...versioned,
  },
  (t) => [
    uniqueIndex('users_upn_key').on(t.userPrincipalName),
    index('users_row_version_idx').on(t.rowVersion),
    index('users_display_name_idx').on(t.displayName),
    index('users_created_at_idx').on(t.createdAt, t.id),
  ],
);

/** Licence SKUs the tenant has bought, with seats (Graph's subscribedSkus). */
export const skus = directory.table('skus', {
  /** Graph's skuId. */
  id: uuid('id').primaryKey().defaultRandom(),
  partNumber: text('part_number').notNull().unique(),
  name: text('name').notNull(),
  /** prepaidUnits.enabled */
  seats: integer('seats').notNull(),
  /** consumedUnits, kept in step with user_licences inside the same transaction. */
  consumed: integer('consumed').notNull().default(0),
  ...versioned,
});

/**
 * Licence assignments. user_id and sku_id reference users and skus, but through statement-level
 * triggers, not foreign keys (migration 0004): an assignment must name an existing user and SKU,
 * deleting a user deletes its assignments, deleting a still-assigned SKU is refused. Per-row
 * foreign-key checks made a 100,000-user import's licence insert 6× slower on PGlite.
 */
export const userLicences = directory.table(
  'user_licences',
  {
    userId: uuid('user_id').notNull(),
    skuId: uuid('sku_id').notNull(),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
    assignedBy: uuid('assigned_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.skuId] }), index('user_licences_sku_idx').on(t.skuId)],
);

/** Application registrations: client-credentials identities (rule A7's application user). */
export const applications = directory.table('applications', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** The client id (Graph's appId). */
  appId: uuid('app_id').notNull().unique().defaultRandom(),
  displayName: text('display_name').notNull(),
  /** Keyed hash of the generated client secret. */
  secretHash: text('secret_hash').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  ...versioned,
});

/** Token-signing keys; the private key is sealed with the installation key. */
export const signingKeys = directory.table('signing_keys', {
  kid: text('kid').primaryKey(),
  alg: text('alg').notNull(),
  publicJwk: jsonb('public_jwk').notNull(),
  privateJwkSealed: text('private_jwk_sealed').notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Failed sign-ins, for the throttle (sign-in-throttle.ts): one row per failure, by account (user name
 * or client id) and source (address). In the database so every process counts the same failures;
 * rows older than the throttle's window are pruned.
 */
export const signInFailures = directory.table(
  'sign_in_failures',
  {
    account: text('account').notNull(),
    source: text('source').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('sign_in_failures_account_source_idx').on(t.account, t.source, t.at),
    index('sign_in_failures_source_idx').on(t.source, t.at),
    index('sign_in_failures_at_idx').on(t.at),
  ],
);

/** Console sessions; the cookie holds a random id, the table only its hash. */
export const sessions = directory.table(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Administrative actions: who did what to whom, when. Never holds a secret. */
export const auditLog = directory.table(
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

export const IMPORT_STATES = ['uploading', 'verified', 'applying', 'applied', 'failed', 'expired'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

/** One bulk import (M365 "Import multiple users"): upload → verify → options → result. */
export const imports = directory.table('imports', {
  id: uuid('id').primaryKey().defaultRandom(),
  createdBy: uuid('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  fileName: text('file_name'),
  /** 'm365' or 'entra'. */
  format: text('format').notNull(),
  state: text('state').$type<ImportState>().notNull(),
  rowCount: integer('row_count').notNull().default(0),
  problemCount: integer('problem_count').notNull().default(0),
  /** Options chosen at apply time and the counts of the result. */
  options: jsonb('options'),
  result: jsonb('result'),
  /** The results CSV (with temporary passwords) is handed out once; then its secrets are wiped. */
  resultsTaken: boolean('results_taken').notNull().default(false),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/** Staged rows of an import, validated; applied set-wise so 100,000 rows take seconds. */
export const importRows = directory.table(
  'import_rows',
  {
    /**
     * The import (directory.imports.id). Not a foreign key: a key checks every staged row with a query
     * of its own (~0.5 s of a 100,000-row upload on PGlite). Staging is the only writer and creates the
     * import first; deleting an import deletes its rows by a statement-level trigger (migration 0007).
     */
    importId: uuid('import_id').notNull(),
    /** File line of the row (header is line 1; Entra files: version line 1, header line 2). */
    rowNumber: integer('row_number').notNull(),
    userPrincipalName: text('user_principal_name').notNull(),
    /**
     * The row's cleaned fields, one column each (the users columns of the same names): staged with
     * COPY and read by plain column references, where one jsonb document per row cost seconds per
     * 100,000 rows to build and to take apart. Which of them the file had is imports.options.columns.
     */
    firstName: text('first_name'),
    lastName: text('last_name'),
    displayName: text('display_name'),
    jobTitle: text('job_title'),
    department: text('department'),
    officeNumber: text('office_number'),
    officePhone: text('office_phone'),
    mobilePhone: text('mobile_phone'),
    fax: text('fax'),
    alternateEmail: text('alternate_email'),
    address: text('address'),
    city: text('city'),
    state: text('state'),
    postalCode: text('postal_code'),
    country: text('country'),
    /** Entra's usage location column. */
    usageLocation: text('usage_location'),
    /** Usage location derived from Country or Region, used when no other is given. */
    countryCode: text('country_code'),
    /** Entra "Block sign in" = Yes. */
    signInBlocked: boolean('sign_in_blocked'),
    /**
     * The password the row's user is created with: the scrypt hash of an Entra initial password, or
     * (password_generated) the hash of its temporary password, made while staging. Null only in rows
     * staged before migration 0008, whose temporary passwords apply makes.
     */
    passwordHash: text('password_hash'),
    /** password_hash is of a temporary password Tandem drew (shown once in the results file). */
    passwordGenerated: boolean('password_generated').notNull().default(false),
    valid: boolean('valid').notNull(),
    /**
     * 'updated' | 'failed' after apply; a valid row left null was created (not written, so applying
     * a file of new users does not rewrite every staged row).
     */
    outcome: text('outcome'),
    /** Sealed temporary password for created users, wiped once the results file is taken. */
    temporaryPasswordSealed: text('temporary_password_sealed'),
    /** The id the user gets if the row creates one (drawn at staging), or the existing user's once 'updated'. */
    userId: uuid('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.rowNumber] })],
);

/** Every problem found while verifying an import, by row and column. */
export const importProblems = directory.table(
  'import_problems',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    rowNumber: integer('row_number').notNull(),
    column: text('column').notNull(),
    value: text('value'),
    message: text('message').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

/**
 * The directory's outbox: one row per user whose state changed (profile, sign-in, role, licences,
 * password, deletion), written by triggers in the same transaction as the change, so no write path
 * can forget it. Sales and the ERP provision their users from it (see feed.ts). A BEFORE-statement
 * trigger takes the directory write lock first, so outbox ids are committed in id order and a
 * consumer's cursor can never skip a row committed late.
 */
export const outbox = directory.table(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    topic: text('topic').notNull(),
    subjectId: uuid('subject_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('outbox_at_idx').on(t.at)],
);
