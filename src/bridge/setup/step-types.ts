import type { BridgeActor, BridgeContext } from '../context.js';
import type { ConnectionRow } from '../remote.js';
import type { CheckResult } from '../schema.js';
import type { AdminSession } from './admin-session.js';

/** What a step works with. */
export interface StepRun<I> {
  ctx: BridgeContext;
  actor: BridgeActor;
  row: ConnectionRow;
  /** The signed-in setup administrator, when the step needs one (NEEDS_ADMIN). */
  admin: AdminSession | undefined;
  input: I;
}

/** What a step found and did. Nothing is recorded on the connection unless `ok`. */
export interface StepOutcome {
  ok: boolean;
  checks: CheckResult[];
  /** What this run changed in Sales, the ERP or the directory; empty when all was already in place. */
  changes: string[];
  /** One line for the wizard's step list. */
  summary: string;
  /** Connection fields to store when the step passes. */
  update?: Partial<ConnectionRow>;
  /** The step changes which Sales or identity the connection uses: it must be disabled until finish. */
  changesIdentity?: boolean;
}

export function failed(checks: CheckResult[], summary?: string): StepOutcome {
  const first = checks.find((c) => c.status === 'fail');
  return { ok: false, checks, changes: [], summary: summary ?? first?.message ?? 'The step failed.' };
}
