import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgSchema,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** The bridge's own Postgres schema: nothing outside src/bridge reads or writes these tables. */
export const bridge = pgSchema('bridge');

/** What a check found: rule, outcome, a message naming the user/role/licence, and the fix. */
export interface CheckResult {
  /** The account rule (A1–A7) or area ('connection', 'erp', 'sales') the check belongs to. */
  rule: string;
  /** Stable id of the check, e.g. `a2.not-system-administrator`. */
  id: string;
  status: 'pass' | 'warn' | 'fail';
  message: string;
  /** What to do about it (absent when the check passed). */
  fix?: string;
}

/** Progress of the assisted setup, kept on the connection row (never a credential). */
export interface SetupProgress {
  /** The step the wizard is on. */
  current: string;
  /** Steps done, with when, who ran them and a one-line summary of what they found or changed. */
  done: Record<string, { at: string; by: string; summary: string }>;
  startedAt: string;
  startedBy: string;
  /** Whether the connection was enabled when this setup run started (re-running setup). */
  wasEnabled: boolean;
}

/**
 * The connection (one per installation, name 'default'): where Sales is, which identity synchronises,
 * whether it is enabled, and why not. The integration identity's secret is sealed (SecretBox); the
 * administrator's credentials are never stored.
 */
export const connections = bridge.table('connections', {
  name: text('name').primaryKey().default('default'),
  salesUrl: text('sales_url'),
  /** http:// accepted for a loopback Sales URL (explicit opt-in, for development and tests). */
  allowHttp: boolean('allow_http').notNull().default(false),
  /** Directory (token endpoint) and ERP API base URLs. */
  directoryUrl: text('directory_url'),
  erpUrl: text('erp_url'),
  erpCompanyId: uuid('erp_company_id'),
  /** The company's name when setup connected it, to show beside its id. */
  erpCompanyName: text('erp_company_name'),
  /** 'user' (named integration user, rule A2) or 'application' (application user, rule A7). */
  identityKind: text('identity_kind').$type<'user' | 'application'>(),
  /** UPN of the named integration user, or the application's client id. */
  identityName: text('identity_name'),
  /** The directory application's object id (application identity), to manage its secret. */
  identityDirectoryId: uuid('identity_directory_id'),
  /** The password or client secret, sealed with the installation key. */
  identitySecretSealed: text('identity_secret_sealed'),
  salesUserId: uuid('sales_user_id'),
  erpUserId: uuid('erp_user_id'),
  /** Who ran setup's administrator step (UPN and Sales user id; never their password). */
  setupAdminUpn: text('setup_admin_upn'),
  setupAdminSalesUserId: uuid('setup_admin_sales_user_id'),
  /** Access mode setup left the integration user in: 4 when Non-interactive was accepted. */
  expectedAccessMode: integer('expected_access_mode'),
  solutionVersion: text('solution_version'),
  lcy: text('lcy'),
  enabled: boolean('enabled').notNull().default(false),
  /** Why the connection is disabled (set by a person or by setup). */
  disabledReason: text('disabled_reason'),
  /** Account checks failed while enabled: the bridge stops writing until they pass again. */
  suspended: boolean('suspended').notNull().default(false),
  lastCheckAt: timestamp('last_check_at', { withTimezone: true }),
  lastChecks: jsonb('last_checks').$type<CheckResult[]>(),
  setup: jsonb('setup').$type<SetupProgress>(),
  /** Setup has been completed at least once (the identity and solution are in place). */
  setupCompletedAt: timestamp('setup_completed_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  modifiedAt: timestamp('modified_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Every setup and connection action, with actor and time. */
export const auditLog = bridge.table(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** Directory object id of the person or application; the all-zero id is Tandem itself. */
    actorId: uuid('actor_id').notNull(),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    details: jsonb('details')
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
  },
  (t) => [index('audit_log_at_idx').on(t.at)],
);

/** A field of a table mapping: ERP field ↔ Sales attribute, its own direction, or a constant. */
export interface FieldMapping {
  erpField: string | null;
  salesAttribute: string;
  direction: 'ToSales' | 'FromSales' | 'Bidirectional';
  /** A constant written to the Sales attribute instead of an ERP field. */
  constant?: string;
  /** Used to find an existing uncoupled match (lower priority first). */
  matchPriority?: number;
}

/** Table mappings (SALESPEOPLE, CURRENCY, CUSTOMER, …): recorded by setup, synchronised in part 2. */
export const mappings = bridge.table('mappings', {
  name: text('name').primaryKey(),
  erpEntity: text('erp_entity').notNull(),
  salesEntity: text('sales_entity').notNull(),
  direction: text('direction').$type<'ToSales' | 'FromSales' | 'Bidirectional'>().notNull(),
  fields: jsonb('fields').$type<FieldMapping[]>().notNull(),
  erpFilter: text('erp_filter'),
  salesFilter: text('sales_filter'),
  dependsOn: text('depends_on')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  conflictPolicy: text('conflict_policy').notNull(),
  deletionPolicy: text('deletion_policy').notNull(),
  syncOnlyCoupled: boolean('sync_only_coupled').notNull().default(true),
  /**
   * For conflictPolicy 'Merge': who wins a field both sides changed to different values
   * ('Fail' leaves the record waiting for a decision).
   */
  mergeTieBreak: text('merge_tie_break').$type<'Fail' | 'ErpWins' | 'SalesWins'>().notNull().default('Fail'),
  /** A record failing with the same message this many runs in a row is skipped until retried (0 = never). */
  skipAfterFailures: integer('skip_after_failures').notNull().default(2),
  enabled: boolean('enabled').notNull().default(true),
  /** Unchanged since setup or the last reset. */
  isDefault: boolean('is_default').notNull().default(true),
  modifiedAt: timestamp('modified_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The coupling table: one ERP record ↔ one Sales record per mapping, with each side's last synced
 * row version (echo suppression: a change the bridge wrote itself is never re-sent), the last result
 * and a skipped flag. One-to-one on both sides.
 */
export const couplings = bridge.table(
  'couplings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    mapping: text('mapping').notNull(),
    erpId: uuid('erp_id').notNull(),
    salesId: uuid('sales_id').notNull(),
    /** Row version of the ERP record / versionnumber of the Sales record when last synchronised. */
    erpVersion: bigint('erp_version', { mode: 'number' }),
    salesVersion: bigint('sales_version', { mode: 'number' }),
    lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }),
    lastResult: text('last_result').$type<'success' | 'failure'>(),
    /**
     * 'coupled'; 'pending' while the sync creates the record on `pendingSide` with the id chosen here
     * beforehand (a crash between the remote create and this row cannot duplicate the record: the
     * next run finds it by that id, or creates it again); 'syncing' while the sync writes to a
     * coupled pair (a crash in between is finished by the next run from both records as they are,
     * since the feeds would then show only the bridge's own half-done write).
     */
    state: text('state').$type<'coupled' | 'pending' | 'syncing'>().notNull().default('coupled'),
    pendingSide: text('pending_side').$type<'erp' | 'sales'>(),
    /**
     * The mapped values each record held after the last sync (`{erp, sales}`, canonical, keyed by
     * field): the base of the three-way, field-level comparison that tells which side changed which
     * field. The two differ only where a change was deliberately not carried over (rule A3).
     */
    baseValues: jsonb('base_values').$type<
      { erp: Record<string, unknown>; sales: Record<string, unknown> } | Record<string, unknown>
    >(),
    lastError: text('last_error'),
    failureCount: integer('failure_count').notNull().default(0),
    skipped: boolean('skipped').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: uuid('created_by').notNull(),
  },
  (t) => [
    uniqueIndex('couplings_mapping_erp_idx').on(t.mapping, t.erpId),
    uniqueIndex('couplings_mapping_sales_idx').on(t.mapping, t.salesId),
  ],
);

/**
 * Records in Sales changed by a person signed in as the integration user (rule A3: such edits
 * never synchronise). Found by watching Sales change tracking; shown until acknowledged.
 */
export const personEdits = bridge.table(
  'person_edits',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entitySet: text('entity_set').notNull(),
    recordId: uuid('record_id').notNull(),
    recordName: text('record_name'),
    versionNumber: bigint('version_number', { mode: 'number' }).notNull(),
    modifiedOn: timestamp('modified_on', { withTimezone: true }),
    detectedAt: timestamp('detected_at', { withTimezone: true }).notNull().defaultNow(),
    acknowledged: boolean('acknowledged').notNull().default(false),
  },
  (t) => [uniqueIndex('person_edits_record_version_idx').on(t.entitySet, t.recordId, t.versionNumber)],
);

/** Where the watch on each Sales entity set stands (its change-tracking delta link). */
export const salesWatch = bridge.table('sales_watch', {
  entitySet: text('entity_set').primaryKey(),
  deltaLink: text('delta_link').notNull(),
  /** The integration user the watch was started for: a new identity starts a new watch. */
  salesUserId: uuid('sales_user_id').notNull(),
  modifiedAt: timestamp('modified_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Where the sync of one mapping stands: each side's watermark (the ERP change feed's last row version
 * fully processed; the Sales change-tracking link to follow next), and the lease of the run that holds
 * the mapping. Every commit a run makes is conditional on its epoch, so a run whose lease ran out (a
 * stalled or killed worker) can no longer write over the one that took over.
 */
export const syncState = bridge.table('sync_state', {
  mapping: text('mapping').primaryKey(),
  /** Last ERP row version whose changes are written and recorded (0: from the beginning). */
  erpWatermark: bigint('erp_watermark', { mode: 'number' }).notNull().default(0),
  /** Sales change tracking: the delta link, or the next page of a walk in progress; null = start. */
  salesCursor: text('sales_cursor'),
  runEpoch: integer('run_epoch').notNull().default(0),
  leaseUntil: timestamp('lease_until', { withTimezone: true }),
  /** The run holding the lease (for status pages). */
  runId: bigint('run_id', { mode: 'number' }),
  /** Set when a full sync is asked for: the next run re-reads both sides from the beginning. */
  fullRequested: boolean('full_requested').notNull().default(false),
  lastRunAt: timestamp('last_run_at', { withTimezone: true }),
  /** Why the mapping cannot run (a remote refusal that is not about one record), until a run succeeds. */
  lastError: text('last_error'),
  /** No run before this time: remote throttling (Retry-After), or backoff after failed runs. */
  notBefore: timestamp('not_before', { withTimezone: true }),
  /** Runs in a row that failed as a whole (the backoff doubles with each, up to 5 minutes). */
  failedRuns: integer('failed_runs').notNull().default(0),
});

export interface SyncCounts {
  inserted: number;
  modified: number;
  deleted: number;
  unchanged: number;
  skipped: number;
  failed: number;
  coupled: number;
  uncoupled: number;
}

/** One run of one mapping: who started it, what kind, and its counts per direction. */
export const syncRuns = bridge.table(
  'sync_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    mapping: text('mapping').notNull(),
    /** 'incremental', 'full', 'record' (synchronise one record now) or 'match' (match-based coupling). */
    kind: text('kind').$type<'incremental' | 'full' | 'record' | 'match'>().notNull(),
    status: text('status').$type<'running' | 'succeeded' | 'failed' | 'interrupted'>().notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** Who started it: a person (directory object id and name) or Tandem's scheduler. */
    actorId: uuid('actor_id').notNull(),
    actorName: text('actor_name').notNull(),
    toSales: jsonb('to_sales').$type<SyncCounts>().notNull(),
    toErp: jsonb('to_erp').$type<SyncCounts>().notNull(),
    message: text('message'),
  },
  (t) => [index('sync_runs_mapping_idx').on(t.mapping, t.id)],
);

/**
 * A record that failed to synchronise: keyed by mapping and source record, with the message of the
 * last failure, how many runs in a row failed with that same message, and whether it is skipped
 * (after N identical failures, until someone retries it). Deleted when the record synchronises.
 */
export const syncErrors = bridge.table(
  'sync_errors',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    mapping: text('mapping').notNull(),
    /** The side the change came from: 'erp' (to Sales) or 'sales' (to the ERP). */
    sourceSide: text('source_side').$type<'erp' | 'sales'>().notNull(),
    sourceId: uuid('source_id').notNull(),
    /** The source record's number, code or name, for people. */
    sourceName: text('source_name'),
    destinationId: uuid('destination_id'),
    /** 'failed', or 'waiting' for a record it depends on (not counted toward skipping). */
    kind: text('kind').$type<'failed' | 'waiting'>().notNull().default('failed'),
    message: text('message').notNull(),
    /** The remote API's status and error code, when a remote call failed. */
    remoteStatus: integer('remote_status'),
    remoteCode: text('remote_code'),
    /** Consecutive runs that failed with this same message. */
    count: integer('count').notNull().default(1),
    firstAt: timestamp('first_at', { withTimezone: true }).notNull().defaultNow(),
    lastAt: timestamp('last_at', { withTimezone: true }).notNull().defaultNow(),
    lastRunId: bigint('last_run_id', { mode: 'number' }),
    skipped: boolean('skipped').notNull().default(false),
  },
  (t) => [uniqueIndex('sync_errors_source_idx').on(t.mapping, t.sourceSide, t.sourceId)],
);
