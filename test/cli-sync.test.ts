/**
 * `tandem sync …` and `tandem mappings …` in-process against a real system with an enabled
 * connection: the review, a run, status, the log, errors and retry, showing and editing a mapping
 * (a bad edit refused with the property named and nothing changed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/io.js';
import { runCli } from '../src/cli/run-cli.js';
import { ok } from './support/bridge.js';
import { connectSystem, erpApi, type ConnectedSystem } from './support/sync.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;
let c: ConnectedSystem;

beforeAll(async () => {
  system = await startTestSystem({ TANDEM_SYNC_POLL_MS: '0' });
  c = await connectSystem(system);
});
afterAll(async () => {
  await system?.stop();
});

async function tandem(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    env: { TANDEM_PASSWORD: system.admin.password, TANDEM_USER: system.admin.upn },
  };
  const code = await runCli([...args, '--url', system.url], io);
  return { code, out: out.join(''), err: err.join('') };
}

describe('tandem sync and tandem mappings', () => {
  it('reviews the first sync without writing, then starts it', async () => {
    const review = await tandem('sync', 'review');
    expect(review.code).toBe(0);
    expect(review.out).toContain('CURRENCY: couple-by-match');
    expect(review.out).toContain('Nothing was written');
    const before = await tandem('sync', 'status');
    expect(before.out).toContain('not started');
    const started = await tandem('sync', 'review', '--start');
    expect(started.code, started.err).toBe(0);
    expect(started.out).toContain('CUSTOMER');
  });

  it('runs the sync and shows the counts, the status and the log', async () => {
    await erpApi(c).create('customers', { displayName: 'Cli Corp', salespersonCode: c.sellers[0]!.code });
    const run = await tandem('sync', 'run', '--mapping', 'CUSTOMER');
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/CUSTOMER\s+succeeded\s+1 inserted/);
    const json = await tandem('sync', 'run', '--json');
    expect(JSON.parse(json.out).value.length).toBe(6);
    const status = await tandem('sync', 'status');
    expect(status.out).toMatch(/CUSTOMER\s+idle\s+1\s+0\s+0\s+0/);
    const log = await tandem('sync', 'log', '--mapping', 'CUSTOMER', '--top', '3');
    expect(log.out).toContain(system.admin.upn);
    expect(log.out).toContain('1 inserted');
  });

  it('lists failing records with the reason and retries them (exit 1 while they fail)', async () => {
    await erpApi(c).create('salespeoplePurchasers', { code: 'ZZ', displayName: 'Zed Zee' });
    const customer = await erpApi(c).create('customers', { displayName: 'Zed Corp', salespersonCode: 'ZZ' });
    const run = await tandem('sync', 'run', '--mapping', 'CUSTOMER');
    expect(run.code).toBe(1);
    expect(run.out).toContain('tandem sync errors');
    const errors = await tandem('sync', 'errors', '--mapping', 'CUSTOMER');
    expect(errors.out).toContain('Couple salesperson ZZ to a Sales user');
    expect(errors.out).toContain('ERP → Sales');
    const stillFailing = await tandem('sync', 'retry', '--all');
    expect(stillFailing.code).toBe(1);
    expect(stillFailing.out).toContain('1 still failing');
    await erpApi(c).update('customers', customer.id, { salespersonCode: c.sellers[1]!.code });
    const retried = await tandem('sync', 'retry', '--mapping', 'CUSTOMER');
    expect(retried.code, retried.out + retried.err).toBe(0);
    expect(retried.out).toContain('0 still failing');
    const bad = await tandem('sync', 'retry');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--id N');
  });

  it('shows and edits a mapping; a bad edit names the property and changes nothing', async () => {
    const shown = await tandem('mappings', 'show', 'CUSTOMER');
    expect(shown.out).toContain('CUSTOMER: ERP customers ↔ Sales accounts, Bidirectional');
    expect(shown.out).toMatch(/salespersonCode\s+ownerid\s+Bidirectional/);
    const edited = await tandem(
      'mappings',
      'edit',
      'CUSTOMER',
      '--set',
      'conflictPolicy=Merge',
      '--set',
      'skipAfterFailures=3',
    );
    expect(edited.code, edited.err).toBe(0);
    expect(edited.out).toContain('conflicts: Merge (tie-break Fail)');
    expect(edited.out).toContain('skip after 3 identical failures');
    const refused = await tandem('mappings', 'edit', 'CUSTOMER', '--set', 'erpFilter=blocked eq');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('erpFilter');
    const unchanged = await ok(system, 'GET', '/bridge/mappings/CUSTOMER');
    expect(unchanged.erpFilter).toBe("blocked eq ' '");
    const reset = await tandem('mappings', 'reset', 'CUSTOMER');
    expect(reset.out).toContain('conflicts: Fail');
    const list = await tandem('mappings');
    expect(list.out).toMatch(/OPPORTUNITY\s+opportunities\s+opportunities\s+Bidirectional/);
    const missing = await tandem('mappings', 'show', 'NOPE');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('There is no mapping NOPE');
  });
});
