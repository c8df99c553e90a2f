/**
 * The continuous account checks (rules A3/A4): while the connection is enabled, the integration
 * identity is checked every `intervalMs`; a failing check suspends writing with the reason, a
 * passing run resumes it. Both transitions are audited.
 */
import type { ForegroundGate } from '../../platform/jobs/foreground-gate.js';
import { loadConnection } from '../connection.js';
import { SYSTEM, type BridgeContext } from '../context.js';
import { runAccountChecks } from './account-checks.js';
import { recordChecks } from './connection-actions.js';
import { serialised } from './setup-service.js';

export interface AccountMonitor {
  /** Checks now (when enabled); resolves when done. */
  runNow(): Promise<void>;
  close(): void;
}

export function startAccountMonitor(
  ctx: BridgeContext,
  options: { intervalMs: number; gate?: ForegroundGate; onError: (error: unknown) => void },
): AccountMonitor {
  let closed = false;
  const check = () =>
    serialised(ctx, async () => {
      const row = await loadConnection(ctx.db);
      if (!row.enabled || row.setup || closed) return;
      const checks = await runAccountChecks(ctx, row);
      if (!closed) await recordChecks(ctx, SYSTEM, checks);
    });
  const timer = setInterval(() => {
    void (async () => {
      await options.gate?.idle();
      await check();
    })().catch(options.onError);
  }, options.intervalMs);
  timer.unref();
  return {
    runNow: check,
    close() {
      closed = true;
      clearInterval(timer);
    },
  };
}
