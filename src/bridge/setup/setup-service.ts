/**
 * The assisted setup as a step machine (the API, the CLI and the console drive the same one). Its
 * progress is kept on the connection row, so a setup interrupted anywhere — a closed browser, a
 * killed process — leaves the connection disabled (never half-enabled) and can be resumed or
 * restarted. Steps run one at a time; each reports its checks and what it changed, and changes
 * nothing that is already in place, so re-running setup on an enabled connection changes nothing twice.
 */
import { AppError } from '../../platform/http/app-error.js';
import { recordBridgeAudit } from '../audit.js';
import { RemoteApiError, TokenRequestError } from '../clients/index.js';
import {
  connectionState,
  loadConnection,
  lockConnection,
  updateConnection,
  type ConnectionRow,
} from '../connection.js';
import type { BridgeActor, BridgeContext } from '../context.js';
import { autoCoupleSalespeople, listSalespeopleCoupling } from '../coupling/salespeople.js';
import { recordDefaultMappings } from '../mappings/mappings.js';
import type { CheckResult, SetupProgress } from '../schema.js';
import { runAccountChecks } from './account-checks.js';
import type { AdminSession } from './admin-session.js';
import { scanPersonEdits } from './person-edits.js';
import { describeRemoteError } from './remote-errors.js';
import { clientsForAdminSession, integrationClients } from '../remote.js';
import { runAccessModeStep } from './step-access-mode.js';
import { runAdminStep } from './step-admin.js';
import { runCurrencyStep } from './step-currency.js';
import { runErpPermissionsStep } from './step-erp-permissions.js';
import { runIntegrationUserStep } from './step-integration-user.js';
import { runSalesUrlStep } from './step-sales-url.js';
import { deployIntegrationSolution } from './step-solution.js';
import { failed, type StepOutcome, type StepRun } from './step-types.js';
import {
  NEEDS_ADMIN,
  STEP_IDS,
  STEP_INPUTS,
  STEP_TITLES,
  isStepId,
  nextStep,
  previousStep,
  type StepId,
  type StepInput,
} from './steps.js';

const queues = new WeakMap<BridgeContext, Promise<unknown>>();

/** Setup steps and connection actions run one at a time in this process (they call other servers). */
export function serialised<T>(ctx: BridgeContext, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(ctx) ?? Promise.resolve();
  const next = previous.then(work, work);
  queues.set(
    ctx,
    next.catch(() => undefined),
  );
  return next;
}

export function setupView(ctx: BridgeContext, row: ConnectionRow) {
  const setup = row.setup;
  // Showing the setup (the console polls it) must not keep the administrator signed in.
  const admin = ctx.adminSessions.peek();
  return {
    state: connectionState(row),
    running: setup !== null,
    current: setup?.current ?? null,
    startedAt: setup?.startedAt ?? null,
    startedBy: setup?.startedBy ?? null,
    administrator:
      setup && admin && admin.salesUrl === row.salesUrl ? { userName: admin.upn, signedIn: true } : null,
    steps: STEP_IDS.map((id) => {
      const done = setup?.done[id];
      const status = setup
        ? done && id !== setup.current
          ? 'done'
          : id === setup.current
            ? 'current'
            : 'pending'
        : row.setupCompletedAt
          ? 'done'
          : 'pending';
      return { id, title: STEP_TITLES[id], status, summary: done?.summary ?? null, at: done?.at ?? null };
    }),
  };
}

/** Starts a setup, or resumes the running one (`restart` begins again at the first step). */
export async function startSetup(
  ctx: BridgeContext,
  actor: BridgeActor,
  options: { restart?: boolean } = {},
) {
  return serialised(ctx, async () => {
    const row = await ctx.db.transaction(async (tx) => {
      const current = await lockConnection(tx);
      if (current.setup && !options.restart) return current;
      const setup: SetupProgress = {
        current: STEP_IDS[0],
        done: {},
        startedAt: new Date().toISOString(),
        startedBy: actor.name,
        wasEnabled: current.enabled,
      };
      await recordBridgeAudit(tx, actor, current.setup ? 'setup.restart' : 'setup.start', {
        connectionEnabled: current.enabled,
      });
      return updateConnection(tx, { setup });
    });
    return setupView(ctx, row);
  });
}

export async function setupStatus(ctx: BridgeContext) {
  return setupView(ctx, await loadConnection(ctx.db));
}

/** Back one step (its inputs can be changed and it runs again; later steps then run again too). */
export async function setupBack(ctx: BridgeContext, actor: BridgeActor) {
  return serialised(ctx, async () => {
    const row = await ctx.db.transaction(async (tx) => {
      const current = requireRunning(await lockConnection(tx));
      const back = previousStep(current.setup!.current as StepId);
      if (!back) return current;
      await recordBridgeAudit(tx, actor, 'setup.back', { from: current.setup!.current, to: back });
      return updateConnection(tx, { setup: { ...current.setup!, current: back } });
    });
    return setupView(ctx, row);
  });
}

/** Leaves the setup before the end: a connection that was not enabled stays disabled, with the reason. */
export async function cancelSetup(ctx: BridgeContext, actor: BridgeActor) {
  return serialised(ctx, async () => {
    const row = await ctx.db.transaction(async (tx) => {
      const current = requireRunning(await lockConnection(tx));
      const at = current.setup!.current;
      await recordBridgeAudit(tx, actor, 'setup.cancel', { step: at, connectionEnabled: current.enabled });
      return updateConnection(tx, {
        setup: null,
        ...(current.enabled
          ? {}
          : {
              disabledReason: `Setup was left at the step "${STEP_TITLES[at as StepId] ?? at}" before the end, so the connection stays disabled. Run the assisted setup again to finish it.`,
            }),
      });
    });
    ctx.adminSessions.clear();
    return setupView(ctx, row);
  });
}

function requireRunning(row: ConnectionRow): ConnectionRow {
  if (!row.setup) {
    throw new AppError('Conflict', 'No setup is running. Start one first (POST /bridge/setup/start).');
  }
  return row;
}

function parseInput<S extends StepId>(step: S, body: unknown): StepInput<S> {
  const parsed = STEP_INPUTS[step].safeParse(body ?? {});
  if (!parsed.success) {
    throw new AppError(
      'ValidationFailed',
      `The input of the step "${STEP_TITLES[step]}" is not valid; see problems.`,
      {
        problems: parsed.error.issues.map((issue) => ({
          field: issue.path.join('.') || '(body)',
          message: issue.message,
        })),
      },
    );
  }
  return parsed.data as StepInput<S>;
}

const SIGN_IN_AGAIN: CheckResult = {
  rule: 'A1',
  id: 'a1.session',
  status: 'fail',
  message:
    "This step acts with the setup administrator's rights, but no administrator is signed in: Tandem never stores administrator credentials, so they are asked again after a restart or 30 minutes without activity.",
  fix: 'Go back to the administrator step and sign in again, then continue.',
};

async function runStep(
  run: StepRun<unknown>,
  step: StepId,
  admin: AdminSession | undefined,
): Promise<StepOutcome> {
  const { ctx, row } = run;
  switch (step) {
    case 'sales-url':
      return runSalesUrlStep(run as StepRun<StepInput<'sales-url'>>);
    case 'admin':
      return runAdminStep(run as StepRun<StepInput<'admin'>>);
    case 'integration-user':
      return runIntegrationUserStep(run as StepRun<StepInput<'integration-user'>>, admin!);
    case 'solution':
      return deployIntegrationSolution(clientsForAdminSession(ctx, row, admin!), admin!.upn, {
        salesUserId: row.salesUserId!,
        kind: row.identityKind!,
      });
    case 'erp-permissions':
      return runErpPermissionsStep(
        run as StepRun<StepInput<'erp-permissions'>>,
        clientsForAdminSession(ctx, row, admin!),
        admin!.upn,
      );
    case 'access-mode':
      if (row.identityKind === 'application') {
        return {
          ok: true,
          checks: [
            {
              rule: 'A7',
              id: 'a4.non-interactive',
              status: 'pass',
              message: 'Application users are Non-interactive by nature.',
            },
          ],
          changes: [],
          summary: 'Application user: Non-interactive',
          update: { expectedAccessMode: 4 },
        };
      }
      return runAccessModeStep(
        run as StepRun<StepInput<'access-mode'>>,
        clientsForAdminSession(ctx, row, admin!),
      );
    case 'currency': {
      const input = run.input as StepInput<'currency'>;
      if (input.createIfMissing && !admin) return failed([SIGN_IN_AGAIN]);
      return runCurrencyStep(
        run as StepRun<StepInput<'currency'>>,
        admin ? clientsForAdminSession(ctx, row, admin) : undefined,
      );
    }
    case 'mappings': {
      const { added } = await recordDefaultMappings(ctx.db);
      return {
        ok: true,
        checks: [
          {
            rule: 'connection',
            id: 'mappings.defaults',
            status: 'pass',
            message: 'The default table mappings are recorded.',
          },
        ],
        changes: added.length ? [`Recorded the default mappings ${added.join(', ')}`] : [],
        summary: 'Default mappings recorded',
      };
    }
    case 'salespeople':
      return runSalespeopleStep(run as StepRun<StepInput<'salespeople'>>);
    case 'finish':
      return runFinishStep(run);
  }
}

async function runSalespeopleStep(run: StepRun<StepInput<'salespeople'>>): Promise<StepOutcome> {
  const { ctx, actor, row, input } = run;
  const changes: string[] = [];
  let summary;
  if (input.auto || input.createMissing) {
    const result = await autoCoupleSalespeople(ctx, actor, row, { createMissing: input.createMissing });
    for (const c of result.coupled) changes.push(`Coupled ${c.fullname} to salesperson ${c.salespersonCode}`);
    for (const c of result.created) changes.push(`Created salesperson ${c.salespersonCode} and coupled it`);
    summary = result.summary;
  } else {
    summary = (await listSalespeopleCoupling(ctx, row)).summary;
  }
  const all = summary.uncoupledUsers === 0;
  const check: CheckResult = all
    ? {
        rule: 'A5',
        id: 'a5.coupled',
        status: 'pass',
        message: `All ${summary.eligibleUsers} eligible Sales users are coupled to salespeople.`,
      }
    : {
        rule: 'A5',
        id: 'a5.coupled',
        status: 'warn',
        message: `${summary.uncoupledUsers} of ${summary.eligibleUsers} eligible Sales users are not coupled to a salesperson; records whose salesperson is not coupled cannot synchronise (rule A6).`,
        fix: 'Couple them now or later (POST /bridge/coupling/salespeople/auto with createMissing: true).',
      };
  return {
    ok: true,
    checks: [check],
    changes,
    summary: `${summary.coupledUsers} of ${summary.eligibleUsers} users coupled`,
  };
}

async function runFinishStep(run: StepRun<unknown>): Promise<StepOutcome> {
  const { ctx, row } = run;
  const missing = STEP_IDS.filter((id) => id !== 'finish' && !row.setup?.done[id]);
  if (missing.length > 0) {
    return failed([
      {
        rule: 'connection',
        id: 'setup.complete',
        status: 'fail',
        message: `Setup cannot finish before the steps ${missing.map((id) => STEP_TITLES[id]).join(', ')}.`,
        fix: 'Run those steps first.',
      },
    ]);
  }
  const checks = await runAccountChecks(ctx, row, { personEdits: false });
  if (checks.some((c) => c.status === 'fail')) return failed(checks);
  return {
    ok: true,
    checks,
    changes: row.enabled ? [] : ['Enabled the connection'],
    summary: 'Connection tested and enabled',
  };
}

export interface StepResult {
  step: StepId;
  ok: boolean;
  checks: CheckResult[];
  changes: string[];
  summary: string;
  setup: ReturnType<typeof setupView>;
}

/** Runs one step of the running setup (the current one, or an earlier one to change it). */
export async function runSetupStep(
  ctx: BridgeContext,
  actor: BridgeActor,
  stepName: string,
  body: unknown,
): Promise<StepResult> {
  if (!isStepId(stepName)) {
    throw new AppError(
      'NotFound',
      `There is no setup step "${stepName}". The steps are: ${STEP_IDS.join(', ')}.`,
    );
  }
  const step = stepName;
  const input = parseInput(step, body);
  return serialised(ctx, async () => {
    const row = requireRunning(await loadConnection(ctx.db));
    const current = row.setup!.current as StepId;
    if (STEP_IDS.indexOf(step) > STEP_IDS.indexOf(current)) {
      throw new AppError(
        'Conflict',
        `The setup is at the step "${STEP_TITLES[current]}"; finish it before "${STEP_TITLES[step]}".`,
      );
    }
    const session = ctx.adminSessions.get();
    const admin = session && session.salesUrl === row.salesUrl ? session : undefined;
    let outcome: StepOutcome;
    if (NEEDS_ADMIN.has(step) && !admin) outcome = failed([SIGN_IN_AGAIN]);
    else {
      try {
        outcome = await runStep({ ctx, actor, row, admin, input }, step, admin);
      } catch (error) {
        // A remote app failing mid-step is a failed step the wizard can show, not a server error.
        if (!(error instanceof RemoteApiError || error instanceof TokenRequestError)) throw error;
        outcome = failed([
          {
            rule: 'connection',
            id: `${step}.remote`,
            status: 'fail',
            message: `${STEP_TITLES[step]}: ${describeRemoteError(error)}`,
            fix: 'Check that Sales, the ERP and the directory are running and reachable, then run this step again.',
          },
        ]);
      }
    }

    const saved = await ctx.db.transaction(async (tx) => {
      const locked = requireRunning(await lockConnection(tx));
      if (!outcome.ok) {
        await recordBridgeAudit(tx, actor, 'setup.step-failed', {
          step,
          failed: outcome.checks.filter((c) => c.status === 'fail').map((c) => c.id),
        });
        return locked;
      }
      await recordBridgeAudit(tx, actor, 'setup.step', {
        step,
        summary: outcome.summary,
        changes: outcome.changes,
      });
      if (step === 'finish') {
        if (!locked.enabled) await recordBridgeAudit(tx, actor, 'connection.enable', { via: 'setup' });
        return updateConnection(tx, {
          ...outcome.update,
          enabled: true,
          suspended: false,
          disabledReason: null,
          setup: null,
          setupCompletedAt: new Date(),
          lastChecks: outcome.checks,
          lastCheckAt: new Date(),
        });
      }
      const done: SetupProgress['done'] = {};
      for (const id of STEP_IDS) {
        if (STEP_IDS.indexOf(id) < STEP_IDS.indexOf(step) && locked.setup!.done[id])
          done[id] = locked.setup!.done[id]!;
      }
      done[step] = { at: new Date().toISOString(), by: actor.name, summary: outcome.summary };
      const disable = outcome.changesIdentity && locked.enabled;
      if (disable) {
        await recordBridgeAudit(tx, actor, 'connection.disable', {
          reason: 'setup changes the connection',
          step,
        });
      }
      return updateConnection(tx, {
        ...outcome.update,
        ...(disable
          ? {
              enabled: false,
              suspended: false,
              disabledReason: `Setup changed ${step === 'sales-url' ? 'the Sales URL' : 'the integration identity'}; the connection stays disabled until setup finishes.`,
            }
          : {}),
        setup: { ...locked.setup!, done, current: nextStep(step) ?? step },
      });
    });
    if (step === 'finish' && outcome.ok) {
      ctx.adminSessions.clear();
      // Start watching for edits made as the integration user from now on (rule A3).
      await scanPersonEdits(ctx, saved, integrationClients(ctx, saved)).catch(() => undefined);
    }
    return {
      step,
      ok: outcome.ok,
      checks: outcome.checks,
      changes: outcome.changes,
      summary: outcome.summary,
      setup: setupView(ctx, saved),
    };
  });
}
