/**
 * Reliability (issue 12, item 2): a broken download of the one-time results file does not lose the
 * temporary passwords. The file stays downloadable until one download has been sent whole (or for
 * 15 minutes after the first began); a new download gives the same passwords.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { M365_HEADER } from '../src/directory/user-fields.js';
import { completeImportResults, takeImportResults } from '../src/directory/import-results.js';
import { adminHeaders } from './support/auth.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(async () => {
  await system?.stop();
});

async function appliedImport(prefix: string, rows: number): Promise<string> {
  const domain = system.admin.upn.split('@')[1]!;
  const blanks = ','.repeat(M365_HEADER.length - 4);
  let csv = `${M365_HEADER.join(',')}\r\n`;
  for (let i = 0; i < rows; i++) csv += `${prefix}${i}@${domain},First,Last,${prefix} ${i}${blanks}\r\n`;
  const headers = await adminHeaders(system);
  const uploaded = await fetch(`${system.url}/directory/imports`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'text/csv' },
    body: csv,
  });
  const { id } = (await uploaded.json()) as { id: string };
  const applied = await fetch(`${system.url}/directory/imports/${id}/apply`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(applied.status, await applied.text()).toBe(200);
  return id;
}

async function download(id: string) {
  const response = await fetch(`${system.url}/directory/imports/${id}/results.csv`, {
    headers: await adminHeaders(system),
  });
  return { status: response.status, text: await response.text() };
}

describe('the results file survives a broken download', () => {
  it('can be downloaded again after a download that stopped part-way, with the same passwords', async () => {
    const id = await appliedImport('resume', 50);
    const ctx = system.running.directory.context;
    // A download that breaks after its first lines: the stream is abandoned, never completed.
    const broken = await takeImportResults(ctx, id);
    const firstChunk = (await broken.chunks.next()).value as string;
    await broken.chunks.return(undefined);
    expect(firstChunk).toContain('User Name');

    const whole = await download(id);
    expect(whole.status).toBe(200);
    const lines = whole.text.split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(51);
    expect(lines[1]).toMatch(/^resume0@[^,]+,resume 0,[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){4},Created,/);

    // Sent whole: now it is gone.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await download(id);
    expect(again.status).toBe(409);
    expect(again.text).toContain('already downloaded');
  });

  it('gives the same passwords to every download until one completes', async () => {
    const id = await appliedImport('same', 5);
    const ctx = system.running.directory.context;
    const read = async () => {
      const results = await takeImportResults(ctx, id);
      let text = '';
      for await (const chunk of results.chunks) text += chunk;
      return text;
    };
    const first = await read();
    const second = await read();
    expect(second).toBe(first);
    await completeImportResults(ctx, id);
    await expect(takeImportResults(ctx, id)).rejects.toThrow(/already downloaded/);
  });
});
