import { apiJson } from './http';

/**
 * The bridge's API (/bridge, docs/bridge.md): the assisted setup, the connection and coupling
 * salespeople. It takes a bearer token of a directory Global administrator, which the console gets
 * for its session (credentials: 'token').
 */

const token = { credentials: 'token' } as const;

export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One account check: the rule it belongs to, and for a warning or failure what to do. */
export interface Check {
  rule: string;
  id: string;
  status: CheckStatus;
  message: string;
  fix?: string;
}

// ---- Assisted setup ----

export const STEP_IDS = [
  'sales-url',
  'admin',
  'integration-user',
  'solution',
  'erp-permissions',
  'access-mode',
  'currency',
  'mappings',
  'salespeople',
  'finish',
] as const;

export type StepId = (typeof STEP_IDS)[number];

export interface SetupStep {
  id: StepId;
  title: string;
  status: 'done' | 'current' | 'pending';
  summary: string | null;
  at: string | null;
}

export type ConnectionState = 'not-configured' | 'setting-up' | 'disabled' | 'enabled' | 'suspended';

export interface SetupStatus {
  state: ConnectionState;
  running: boolean;
  current: StepId | null;
  startedAt: string | null;
  startedBy: string | null;
  administrator: { userName: string; signedIn: boolean } | null;
  steps: SetupStep[];
}

export interface StepResult {
  step: StepId;
  ok: boolean;
  checks: Check[];
  changes: string[];
  summary: string;
  setup: SetupStatus;
}

export type StepInput = Record<string, unknown>;

export function getSetup(): Promise<SetupStatus> {
  return apiJson('/bridge/setup', token);
}

export function startSetup(restart: boolean): Promise<SetupStatus> {
  return apiJson('/bridge/setup/start', { ...token, method: 'POST', json: { restart } });
}

/** Runs a step: `ok: false` with the failing checks when a rule is not met (HTTP 200). */
export function runStep(step: StepId, input: StepInput): Promise<StepResult> {
  return apiJson(`/bridge/setup/steps/${step}`, { ...token, method: 'POST', json: input });
}

export function setupBack(): Promise<SetupStatus> {
  return apiJson('/bridge/setup/back', { ...token, method: 'POST' });
}

export function cancelSetup(): Promise<SetupStatus> {
  return apiJson('/bridge/setup/cancel', { ...token, method: 'POST' });
}

// ---- The connection ----

export interface Connection {
  state: ConnectionState;
  enabled: boolean;
  writing: boolean;
  reasons: string[];
  warnings: Check[];
  salesUrl: string | null;
  erpUrl: string | null;
  directoryUrl: string | null;
  erpCompanyId: string | null;
  erpCompanyName: string | null;
  integrationIdentity: {
    kind: 'user' | 'application';
    name: string | null;
    salesUserId: string | null;
    erpUserId: string | null;
  } | null;
  setupAdministrator: string | null;
  solutionVersion: string | null;
  localCurrency: string | null;
  setupCompletedAt: string | null;
  lastCheck: { at: string; checks: Check[] } | null;
  modifiedAt: string;
}

export function getConnection(): Promise<Connection> {
  return apiJson('/bridge/connection', token);
}

export function testConnection(): Promise<{ ok: boolean; checks: Check[]; connection: Connection }> {
  return apiJson('/bridge/connection/test', { ...token, method: 'POST' });
}

export function enableConnection(): Promise<Connection> {
  return apiJson('/bridge/connection/enable', { ...token, method: 'POST' });
}

export function disableConnection(reason: string): Promise<Connection> {
  return apiJson('/bridge/connection/disable', {
    ...token,
    method: 'POST',
    json: reason.trim() ? { reason: reason.trim() } : {},
  });
}

export function redeploySolution(userName: string, password: string) {
  return apiJson<{ changes: string[]; checks: Check[]; connection: Connection }>(
    '/bridge/connection/redeploy',
    { ...token, method: 'POST', json: { userName, password } },
  );
}

export function updateCredentials(secret: string): Promise<Connection> {
  return apiJson('/bridge/connection/credentials', { ...token, method: 'POST', json: { secret } });
}

export function resetMappings(): Promise<{ reset: string[]; removed: string[] }> {
  return apiJson('/bridge/connection/reset-mappings', { ...token, method: 'POST' });
}

export interface FieldMapping {
  erpField: string;
  salesAttribute: string;
  direction: 'ToSales' | 'FromSales' | 'Bidirectional';
  matchPriority?: number;
  constant?: unknown;
}

export interface Mapping {
  name: string;
  erpEntity: string;
  salesEntity: string;
  direction: 'ToSales' | 'FromSales' | 'Bidirectional';
  fields: FieldMapping[];
  erpFilter: string | null;
  salesFilter: string | null;
  dependsOn: string[];
  conflictPolicy: string;
  deletionPolicy: string;
  syncOnlyCoupled: boolean;
  enabled: boolean;
  isDefault: boolean;
  modifiedAt: string;
}

export async function listMappings(): Promise<Mapping[]> {
  return (await apiJson<{ value: Mapping[] }>('/bridge/mappings', token)).value;
}

export interface PersonEdit {
  id: number;
  entitySet: string;
  recordId: string;
  recordName: string | null;
  versionNumber: number;
  modifiedOn: string | null;
  detectedAt: string;
}

export async function listPersonEdits(): Promise<PersonEdit[]> {
  return (await apiJson<{ value: PersonEdit[] }>('/bridge/connection/person-edits', token)).value;
}

export function acknowledgePersonEdits(): Promise<{ acknowledged: number }> {
  return apiJson('/bridge/connection/person-edits/acknowledge', { ...token, method: 'POST' });
}

export interface DoctorReport {
  ok: boolean;
  state: ConnectionState;
  checks: Check[];
}

export function runDoctor(): Promise<DoctorReport> {
  return apiJson('/bridge/doctor', token);
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: { id: string; name: string };
  action: string;
  details: Record<string, unknown>;
}

export async function listAudit(top = 20): Promise<AuditEntry[]> {
  return (await apiJson<{ value: AuditEntry[] }>(`/bridge/audit?top=${top}`, token)).value;
}

// ---- Couple salespeople ----

export interface CouplingUser {
  systemuserid: string;
  fullname: string;
  email: string | null;
  domainname: string;
  salesperson: { id: string; code: string } | null;
}

export interface CouplingSalesperson {
  id: string;
  code: string;
  displayName: string;
  email: string | null;
  blocked: boolean;
  coupledTo: { systemuserid: string; fullname: string } | null;
}

export interface CouplingSummary {
  eligibleUsers: number;
  coupledUsers: number;
  uncoupledUsers: number;
}

export interface SalespeopleCoupling {
  users: CouplingUser[];
  salespeople: CouplingSalesperson[];
  summary: CouplingSummary;
}

/** The query key of the coupling of salespeople (the Couple salespeople page, the uncoupled warning). */
export const COUPLING_KEY = ['bridge', 'coupling', 'salespeople'] as const;

export function getSalespeopleCoupling(): Promise<SalespeopleCoupling> {
  return apiJson('/bridge/coupling/salespeople', token);
}

export function coupleSalesperson(systemUserId: string, salespersonCode: string) {
  return apiJson<{ systemUserId: string; salespersonCode: string; changed: boolean }>(
    '/bridge/coupling/salespeople',
    { ...token, method: 'POST', json: { systemUserId, salespersonCode } },
  );
}

export function uncoupleSalesperson(systemUserId: string) {
  return apiJson<{ systemUserId: string; salespersonId: string }>(
    `/bridge/coupling/salespeople/${encodeURIComponent(systemUserId)}`,
    { ...token, method: 'DELETE' },
  );
}

export interface AutoCoupleResult {
  coupled: Array<{ systemUserId: string; fullname: string; salespersonCode: string }>;
  created: Array<{ systemUserId: string; salespersonCode: string }>;
  unmatched: Array<{ systemUserId: string; fullname: string; reason: string }>;
  summary: CouplingSummary;
}

export function autoCoupleSalespeople(createMissing: boolean): Promise<AutoCoupleResult> {
  return apiJson('/bridge/coupling/salespeople/auto', { ...token, method: 'POST', json: { createMissing } });
}

export function createSalespeople(systemUserIds: string[]) {
  return apiJson<{ created: Array<{ systemUserId: string; salespersonCode: string }> }>(
    '/bridge/coupling/salespeople/create',
    { ...token, method: 'POST', json: { systemUserIds } },
  );
}
