import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDocumentIn, copyIn, copyOut, type CopyCell } from '../src/platform/db/bulk-copy.js';
import { copyDocument } from '../src/platform/db/copy-text.js';
import { openDatabase, queryRows, type DatabaseHandle } from '../src/platform/db/database.js';
import { createScratchDatabase, type ScratchDatabase } from '../src/platform/db/scratch-database.js';
import { templatePgdata } from './support/template.js';

/** copyIn/copyOut: COPY on PGlite, JSON and plain queries on PostgreSQL; the same rows either way. */
describe('bulk copy in and out', () => {
  let handle: DatabaseHandle;
  let scratch: ScratchDatabase | undefined;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bulk-'));
    const adminUrl = process.env.TANDEM_TEST_DATABASE_URL;
    if (adminUrl) scratch = await createScratchDatabase(adminUrl, 'tandem_test');
    else fs.cpSync(templatePgdata(), path.join(dataDir, 'pgdata'), { recursive: true });
    handle = await openDatabase({ databaseUrl: scratch?.url, dataDir });
    await handle.db.execute(sql`create table public.bulk_t (n int, t text, b boolean, u uuid)`);
  });
  afterAll(async () => {
    await handle?.close();
    await scratch?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const awkward = [
    'tab\there',
    'line\nbreak',
    'cr\rlf\r\n',
    'back\\slash \\N \\t',
    '\\N',
    '',
    'quote " and , comma',
    'ünïcødé ✓',
  ];

  it('writes and reads back every character that COPY escapes, NULLs and empty strings apart', async () => {
    const rows: CopyCell[][] = awkward.map((t, i) => [
      i,
      t,
      i % 2 === 0,
      `00000000-0000-4000-8000-00000000000${i}`,
    ]);
    rows.push([99, null, null, null]);
    await copyIn(handle.db, 'public.bulk_t', ['n', 't', 'b', 'u'], rows);
    const stored = await queryRows<{ n: number; t: string | null; b: boolean | null }>(
      handle.db,
      sql`select n, t, b from public.bulk_t order by n`,
    );
    expect(stored.map((r) => r.t)).toEqual([...awkward, null]);
    expect(stored.map((r) => r.b)).toEqual([...awkward.map((_, i) => i % 2 === 0), null]);
    const out = await copyOut(
      handle.db,
      `select n::text as n, t, b::text as b from public.bulk_t order by n`,
    );
    expect(out.map((r) => r[1])).toEqual([...awkward, null]);
    expect(out[0]).toEqual(['0', awkward[0], 'true']);
    expect(out[out.length - 1]).toEqual(['99', null, null]);
  });

  it('takes a COPY document made elsewhere, as text or as UTF-8 bytes', async () => {
    const rows: CopyCell[][] = awkward.map((t, i) => [200 + i, t, i % 2 === 1, null]);
    const document = copyDocument(rows, 4);
    await copyDocumentIn(handle.db, 'public.bulk_t', ['n', 't', 'b', 'u'], document.slice(0, 0));
    await copyDocumentIn(
      handle.db,
      'public.bulk_t',
      ['n', 't', 'b', 'u'],
      new TextEncoder().encode(document),
    );
    const stored = await queryRows<{ t: string; b: boolean }>(
      handle.db,
      sql`select t, b from public.bulk_t where n >= 200 order by n`,
    );
    expect(stored).toEqual(awkward.map((t, i) => ({ t, b: i % 2 === 1 })));
  });

  it('inside a transaction, and refuses identifiers that are not plain', async () => {
    await handle.db.transaction(async (tx) => {
      await copyIn(tx, 'public.bulk_t', ['n', 't'], [[100, 'in tx']]);
      expect(await copyOut(tx, `select t from public.bulk_t where n = 100`)).toEqual([['in tx']]);
    });
    await expect(copyIn(handle.db, 'public.bulk_t; drop table x', ['n'], [[1]])).rejects.toThrow(
      /identifier/,
    );
  });
});
