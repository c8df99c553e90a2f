/**
 * Every run of a mapping is a pg-boss job on one queue, `bridge-sync`, whoever asked for it: the
 * scheduler's polling pass, a person's "run now", a record's "synchronise now", the full-sync review.
 * The worker runs it with runMapping; the caller waits for the job's result.
 *
 * What each part guarantees:
 * - One run per mapping at a time is the lease on `bridge.sync_state` (runMapping claims it and fences
 *   a run that lost it). pg-boss's singleton policies are not mutual exclusion (an expired job starts
 *   again while its handler still runs), so they only collapse duplicates here.
 * - The queue's policy is `short`: at most one *queued* job per singleton key. The scheduler's jobs use
 *   the mapping's name as the key, so a mapping is queued once however often the feeds wake it; a
 *   person's request gets a key of its own and is never folded into another run.
 * - A job that throws (the database went away, the lease was lost) is retried by pg-boss with
 *   exponential backoff; a run that failed on a remote (throttling, a server down) is a recorded run
 *   whose mapping waits out its own backoff (`not_before`), so the scheduler sends no job until then.
 * - A worker killed mid-run leaves its job active until it expires; nothing waits for it: the lease
 *   lapses after `leaseSeconds` and the next job resumes from the stored watermarks and intent rows.
 */
import { randomUUID } from 'node:crypto';
import type PgBoss from 'pg-boss';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import type { BridgeContext } from '../context.js';
import { runMapping, type RunRequest, type RunResult, type SyncSettings } from './run-mapping.js';

export const SYNC_QUEUE = 'bridge-sync';

/** A job's answer: the run's result, or `busy` when another run held the mapping. */
type JobOutput = { result: RunResult } | { busy: true };

export interface SyncRuns {
  /**
   * Queues a run and waits for it; undefined when the mapping was being synchronised by another run.
   * `key` collapses requests: a scheduler's job for a mapping already queued is not queued again
   * (then the answer is undefined too).
   */
  run(request: RunRequest, options?: { key?: string }): Promise<RunResult | undefined>;
  close(): Promise<void>;
}

const JOB_OPTIONS = {
  // A run's handler may go on past this (pg-boss then fails the job into retry; the retry finds the
  // lease held and ends as busy); long enough that a healthy full run is not retried needlessly.
  expireInSeconds: 60 * 60,
  retryLimit: 3,
  retryDelay: 2,
  retryBackoff: true,
} as const;

export async function startSyncRuns(
  /** The bridge's context (given late: the context itself holds these runs). */
  ctx: () => BridgeContext,
  boss: JobQueue,
  settings: SyncSettings,
): Promise<SyncRuns> {
  await boss.createQueue(SYNC_QUEUE, { name: SYNC_QUEUE, policy: 'short', ...JOB_OPTIONS });
  // Results of jobs this process ran, handed straight to a waiting caller here.
  // `retried`: the job is the scheduler's, retried by pg-boss after a throw, so its caller waits on.
  const waiting = new Map<
    string,
    { resolve: (o: JobOutput) => void; reject: (e: unknown) => void; retried: boolean }
  >();
  const settle = (id: string, outcome: { output: JobOutput } | { error: unknown }) => {
    const waiter = waiting.get(id);
    if (!waiter || ('error' in outcome && waiter.retried)) return;
    waiting.delete(id);
    if ('output' in outcome) waiter.resolve(outcome.output);
    else waiter.reject(outcome.error);
  };
  // Jobs a worker of this process is running now: their callers here are answered by settle(), so
  // reading the queue for them would be repeated reads with no use (a full run may last minutes).
  const runningHere = new Set<string>();
  // Two workers: a long full run of one mapping does not hold up a person's request on another.
  const work = async ([job]: PgBoss.Job<RunRequest>[]): Promise<JobOutput> => {
    runningHere.add(job!.id);
    try {
      const result = await runMapping(ctx(), job!.data, settings);
      const output: JobOutput = result ? { result } : { busy: true };
      settle(job!.id, { output });
      return output;
    } catch (error) {
      settle(job!.id, { error });
      throw error;
    } finally {
      runningHere.delete(job!.id);
    }
  };
  const workers = [
    await boss.work<RunRequest>(SYNC_QUEUE, { pollingIntervalSeconds: 0.5 }, work),
    await boss.work<RunRequest>(SYNC_QUEUE, { pollingIntervalSeconds: 0.5 }, work),
  ];

  /**
   * Waits for a job run by another process (or by this one, if it was already done); while a worker
   * here runs it, the queue is not read (settle() answers).
   */
  const pollForResult = async (id: string): Promise<JobOutput> => {
    while (waiting.has(id)) {
      if (!runningHere.has(id)) {
        const job = await boss.getJobById<RunRequest>(SYNC_QUEUE, id, { includeArchive: true });
        if (!job) throw new Error(`The sync job ${id} is gone from the queue before it finished.`);
        if (job.state === 'completed') return job.output as JobOutput;
        if (job.state === 'failed' || job.state === 'cancelled') {
          const output = job.output as { message?: string } | null;
          throw new Error(output?.message ?? `The sync job ${id} ended as ${job.state}.`);
        }
      }
      await new Promise((r) => setTimeout(r, 250).unref());
    }
    return new Promise<JobOutput>(() => {}); // answered here meanwhile
  };

  return {
    async run(request, options = {}) {
      const manual = options.key === undefined;
      const id = await boss.send(SYNC_QUEUE, request, {
        ...JOB_OPTIONS,
        singletonKey: options.key ?? `request:${randomUUID()}`,
        // A person waits for the answer: a throw is reported at once, not retried behind their back.
        ...(manual ? { retryLimit: 0 } : {}),
      });
      if (!id) return undefined;
      const local = new Promise<JobOutput>((resolve, reject) =>
        waiting.set(id, { resolve, reject, retried: !manual }),
      );
      for (const worker of workers) boss.notifyWorker(worker);
      // Whichever comes first: this process's worker ran it, or the queue says it is done.
      const output = await Promise.race([local, pollAfter(id)]);
      waiting.delete(id);
      return 'result' in output ? output.result : undefined;
    },
    async close() {
      for (const worker of workers) await boss.offWork({ id: worker });
      for (const [id, waiter] of waiting)
        waiter.reject(new Error(`Tandem is stopping; the sync job ${id} was not waited for.`));
      waiting.clear();
    },
  };

  /** Polls the queue only once the job has had time to run here, so a local run costs no polling. */
  async function pollAfter(id: string): Promise<JobOutput> {
    await new Promise((r) => setTimeout(r, 2_000).unref());
    return pollForResult(id);
  }
}
