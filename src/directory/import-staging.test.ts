import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCopyDocument } from '../platform/db/copy-text.js';
import { AppError } from '../platform/http/app-error.js';
import { verifyPassword } from '../platform/security/passwords.js';
import { temporaryPasswords } from './import-passwords.js';
import { stageOnWorker } from './import-staging-thread.js';
import {
  BATCH_ROWS,
  STAGED_COLUMNS,
  stagingEvents,
  type StagingEvent,
  type StagingParams,
} from './import-staging.js';
import { M365_HEADER } from './user-fields.js';

const HEADER = M365_HEADER.join(',');
const row = (upn: string, country = 'United States') =>
  [upn, 'Some', 'One', 'Some One', '', '', '', '', '', '', '', '', '', '', '', country].join(',');
const ENTRA_HEADER =
  'Name [displayName] Required,User name [userPrincipalName] Required,Initial password [passwordProfile] Required,Block sign in (Yes/No) [accountEnabled] Required';

function params(passwords = true): StagingParams {
  return {
    importId: crypto.randomUUID(),
    verifiedDomains: ['contoso.com'],
    passwords: passwords ? { seed: crypto.randomBytes(32), hashKey: crypto.randomBytes(32) } : null,
  };
}

/** The staged rows of all batches as objects by column name. */
async function staged(events: AsyncIterable<StagingEvent>) {
  const rows: Record<string, string | null>[] = [];
  let batches = 0;
  for await (const event of events) {
    if (event.kind !== 'batch') continue;
    batches++;
    for (const cells of parseCopyDocument(new TextDecoder().decode(event.copy))) {
      expect(cells).toHaveLength(STAGED_COLUMNS.length);
      rows.push(Object.fromEntries(STAGED_COLUMNS.map((c, i) => [c, cells[i]!])));
    }
  }
  return { rows, batches };
}

describe('import staging', () => {
  it('stages each valid row with its id and the hash of its temporary password', async () => {
    const p = params();
    const { rows } = await staged(
      stagingEvents([`${HEADER}\r\n${row('A@contoso.com')}\r\n${row('b@fabrikam.com')}\r\n`], p),
    );
    expect(rows.map((r) => [r.row_number, r.user_principal_name, r.valid, r.password_generated])).toEqual([
      ['2', 'a@contoso.com', 't', 't'],
      ['3', 'b@fabrikam.com', 'f', 'f'],
    ]);
    expect(rows[0]!.import_id).toBe(p.importId);
    expect(rows[0]!.country_code).toBe('US');
    expect(rows[0]!.user_id! < rows[1]!.user_id!).toBe(true); // UUIDv7, ascending in row order
    // The staged hash is of the password the results file will show for row 2 (same seed and import).
    const [password] = temporaryPasswords(Buffer.from(p.passwords!.seed), p.importId, [2]);
    expect(await verifyPassword(password!, rows[0]!.password_hash!, Buffer.from(p.passwords!.hashKey))).toBe(
      true,
    );
    expect(rows[1]!.password_hash).toBeNull(); // an invalid row creates no one
  });

  it('hashes Entra initial passwords with scrypt, and a dry run stages no password at all', async () => {
    const entra = [
      'version:v1.0',
      ENTRA_HEADER,
      'Kim Lee,kim@contoso.com,Str0ng-Passw0rd,No',
      'Ann Bay,ann@contoso.com,,No',
    ].join('\n');
    const { rows } = await staged(stagingEvents([entra], params()));
    const kim = rows.find((r) => r.user_principal_name === 'kim@contoso.com')!;
    expect(kim.password_hash).toMatch(/^scrypt\$/);
    expect(kim.password_generated).toBe('f');
    expect(await verifyPassword('Str0ng-Passw0rd', kim.password_hash!, Buffer.alloc(32))).toBe(true);
    expect(rows.find((r) => r.user_principal_name === 'ann@contoso.com')!.valid).toBe('f');

    const dry = await staged(stagingEvents([`${HEADER}\n${row('dry@contoso.com')}\n`], params(false)));
    expect(dry.rows[0]!.password_hash).toBeNull();
    expect(dry.rows[0]!.password_generated).toBe('f');
  });

  it('gives the same rows on a worker thread, in batches', async () => {
    const lines = Array.from({ length: BATCH_ROWS * 2 + 7 }, (_, i) => row(`u${i}@contoso.com`));
    const text = `${HEADER}\r\n${lines.join('\r\n')}\r\n`;
    // Many small chunks: the upload is handed over bit by bit while batches come back.
    const chunks = Array.from({ length: Math.ceil(text.length / 4096) }, (_, i) =>
      Buffer.from(text.slice(i * 4096, (i + 1) * 4096)),
    );
    const p = { ...params(false), importId: '0193b0c2-7f00-7000-8000-000000000001' };
    const onWorker = await staged(stageOnWorker(chunks, p));
    const inThread = await staged(stagingEvents(chunks, p));
    expect(onWorker.batches).toBe(3);
    expect(onWorker.rows).toHaveLength(lines.length);
    const withoutIds = (rs: Record<string, string | null>[]) => rs.map((r) => ({ ...r, user_id: null }));
    expect(withoutIds(onWorker.rows)).toEqual(withoutIds(inThread.rows));
  });

  it('reads the upload only a bounded way ahead of the batches taken', async () => {
    const line = `${row('flow@contoso.com')}\n`;
    const chunk = Buffer.from(line.repeat(Math.floor(65536 / line.length)));
    const total = 12 * 1024 * 1024;
    let read = 0;
    async function* upload() {
      yield Buffer.from(`${HEADER}\n`);
      while (read < total) {
        read += chunk.length;
        yield chunk;
      }
    }
    const events = stageOnWorker(upload(), params(false));
    await events.next(); // layout
    await events.next(); // first batch, not taken yet: the worker and the upload must wait
    await new Promise((resolve) => setTimeout(resolve, 500));
    // At most 4 MiB handed over unread, plus the batches the worker may hold, not the whole file.
    expect(read).toBeLessThan(total / 2);
    let batches = 1;
    for await (const event of events) if (event.kind === 'batch') batches++;
    expect(read).toBeGreaterThanOrEqual(total);
    expect(batches).toBe(Math.ceil(((read / chunk.length) * Math.floor(65536 / line.length)) / BATCH_ROWS));
  });

  it('reports a refused file from the worker as the same AppError, with its problems', async () => {
    const junk = `${HEADER}\n${Array(1001).fill('x,y').join('\n')}\n`;
    const error = await staged(stageOnWorker([junk], params())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('InvalidCsv');
    expect((error as AppError).message).toContain('Stopped after 1,000 problems');
    expect((error as AppError).problems?.[0]).toMatchObject({ row: 2, field: 'row' });

    const header = await staged(stageOnWorker(['Not,The,Header\n'], params())).catch((e: unknown) => e);
    expect((header as AppError).code).toBe('InvalidCsv');
  });

  it('passes on a failure of the upload itself and stops the worker', async () => {
    async function* broken() {
      yield Buffer.from(`${HEADER}\n${row('a@contoso.com')}\n`);
      throw new Error('connection reset');
    }
    await expect(staged(stageOnWorker(broken(), params()))).rejects.toThrow('connection reset');
  });
});
