import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { M365_HEADER } from '../src/directory/user-fields.js';
import { adminHeaders, getToken } from './support/auth.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

const HEADER = M365_HEADER.join(',');
const row = (upn: string, display = 'Some One', country = 'United States') =>
  [upn, 'Some', 'One', display, '', '', '', '', '', '', '', '', '', '', '', country].join(',');

interface Summary {
  id: string;
  state: string;
  format: string;
  rowCount: number;
  validRowCount: number;
  problemCount: number;
  problems: { row: number; column: string; value: string | null; message: string }[];
  willCreate: number;
  willUpdate: number;
}
interface Problem {
  code: string;
  detail: string;
  problems?: { row?: number; field: string; message: string }[];
}

describe('bulk user import over HTTP', () => {
  let system: TestSystem;
  let auth: Record<string, string>;

  beforeAll(async () => {
    system = await startTestSystem({
      TANDEM_LICENCES: 'DYN365_ENTERPRISE_PLAN1:8,DYN365_BUSCENTRAL_ESSENTIAL:1',
    });
    auth = await adminHeaders(system);
  });
  afterAll(async () => {
    await system?.stop();
  });

  async function upload(body: string | Buffer, query = '') {
    const response = await fetch(`${system.url}/directory/imports${query}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    return { status: response.status, body: (await response.json()) as Summary & Problem };
  }
  async function apply(id: string, options: Record<string, unknown>) {
    const response = await fetch(`${system.url}/directory/imports/${id}/apply`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(options),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & Problem };
  }
  /** The sample template, fetched once (its download is tested below); later cases reuse it. */
  let sampleCsv = '';
  async function sampleTemplate(): Promise<string> {
    sampleCsv ||= await (
      await fetch(`${system.url}/directory/imports/template.csv?sample=true`, { headers: auth })
    ).text();
    return sampleCsv;
  }
  async function countUsers(): Promise<number> {
    const { sql } = await import('drizzle-orm');
    const result = (await system.running.database.db.execute(
      sql`select count(*)::int as n from directory.users`,
    )) as unknown as { rows: { n: number }[] };
    return result.rows[0]!.n;
  }

  it('needs a user administrator', async () => {
    const response = await fetch(`${system.url}/directory/imports/template.csv`);
    expect(response.status).toBe(401);
  });

  it('serves the templates with BOM and CRLF', async () => {
    const plain = await fetch(`${system.url}/directory/imports/template.csv`, { headers: auth });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-disposition')).toContain('attachment');
    const bytes = Buffer.from(await plain.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8').slice(1)).toBe(`${HEADER}\r\n`);
    const sample = await sampleTemplate();
    const lines = sample
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toBe(
      'chris@contoso.com,Chris,Green,Chris Green,IT Manager,Information Technology,123451,123-555-1211,123-555-6641,123-555-6700,chris@contoso.com,1 Microsoft way,Redmond,Wa,98052,United States',
    );
  });

  let sampleId = '';
  it('imports the five M365 sample users with a Sales licence, results shown once', async () => {
    const sample = await sampleTemplate();
    const verified = await upload(sample, '?fileName=sample.csv');
    expect(verified.status).toBe(201);
    expect(verified.body).toMatchObject({
      state: 'verified',
      format: 'm365',
      rowCount: 5,
      validRowCount: 5,
      problemCount: 0,
      willCreate: 5,
      willUpdate: 0,
    });
    sampleId = verified.body.id;
    const applied = await apply(sampleId, { licence: 'DYN365_ENTERPRISE_PLAN1' });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ created: 5, updated: 0, failed: 0, licensed: 5 });

    const again = await apply(sampleId, { licence: 'DYN365_ENTERPRISE_PLAN1' });
    expect(again.status).toBe(409);

    const results = await fetch(`${system.url}${applied.body.resultsUrl as string}`, { headers: auth });
    expect(results.status).toBe(200);
    const records = parse((await results.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<
      string,
      string
    >[];
    expect(records).toHaveLength(5);
    expect(records[0]).toMatchObject({
      'User Name': 'chris@contoso.com',
      'Display Name': 'Chris Green',
      Result: 'Created',
    });
    // The licence by the name the console shows, not its part number (issue 14, item 10).
    expect(records[0]!.Message).toContain('Licensed for Dynamics 365 Customer Engagement Plan.');
    expect(records.every((r) => !r.Message!.includes('DYN365_'))).toBe(true);
    const password = records[0]!['Temporary Password']!;
    expect(password).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){4}$/);
    expect(new Set(records.map((r) => r['Temporary Password'])).size).toBe(5);

    const second = await fetch(`${system.url}${applied.body.resultsUrl as string}`, { headers: auth });
    expect(second.status).toBe(409);
    expect(((await second.json()) as Problem).detail).toContain('only once');

    // The temporary password is real: the token endpoint accepts it and demands a change.
    const token = await fetch(`${system.url}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: 'chris@contoso.com', password }),
    });
    expect(((await token.json()) as { error_description: string }).error_description).toContain(
      'must change the password',
    );
  });

  it('imports the article’s 15-column template and a translated one, saying which it read', async () => {
    // The article's template (Microsoft's 2020 page): no "Alternate email address" column.
    const header2020 = M365_HEADER.filter((h) => h !== 'Alternate email address').join(',');
    const old = await upload(
      `${header2020}\r\nold@contoso.com,Olga,Old,Olga Old,,,,,,,1 Main St,Oslo,,0150,Norway\r\n`,
    );
    expect(old.status).toBe(201);
    expect(old.body).toMatchObject({ format: 'm365-2020', problemCount: 0, willCreate: 1 });
    expect((old.body as unknown as { template: string }).template).toContain('2020');
    expect((await apply(old.body.id, {})).body).toMatchObject({ created: 1, failed: 0 });
    const olga = await fetch(`${system.url}/directory/users/old@contoso.com`, { headers: auth });
    expect(await olga.json()).toMatchObject({ address: '1 Main St', city: 'Oslo', country: 'Norway' });

    // Labels in another language, in the template's order (French).
    const french =
      "Nom d'utilisateur,Prénom,Nom,Nom d'affichage,Titre,Service,Numéro de bureau,Téléphone de bureau," +
      'Téléphone mobile,Télécopie,Adresse e-mail secondaire,Adresse,Ville,État ou province,Code postal,Pays ou région';
    const translated = await upload(`${french}\r\n${row('francois@contoso.com', 'François')}\r\n`);
    expect(translated.status).toBe(201);
    expect(translated.body).toMatchObject({ format: 'm365-translated', problemCount: 0, willCreate: 1 });
    expect((translated.body as unknown as { template: string }).template).toContain('another language');
  });

  it('applies an import staged by an earlier version, without staged password hashes', async () => {
    const { sql } = await import('drizzle-orm');
    const db = system.running.database.db;
    const verified = await upload(
      [HEADER, row('legacy1@contoso.com'), row('legacy2@contoso.com')].join('\r\n'),
    );
    // What migration 0008 leaves of rows staged before it: no hash, no flag, no seed drawn at staging.
    await db.execute(sql`
      update directory.import_rows set password_hash = null, password_generated = false
      where import_id = ${verified.body.id}`);
    await db.execute(sql`
      update directory.imports set options = options - 'sealedPasswordSeed' where id = ${verified.body.id}`);
    const applied = await apply(verified.body.id, {});
    expect(applied.body).toMatchObject({ created: 2 });
    const results = await fetch(`${system.url}${applied.body.resultsUrl as string}`, { headers: auth });
    const records = parse((await results.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<
      string,
      string
    >[];
    const token = await fetch(`${system.url}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        username: 'legacy2@contoso.com',
        password: records[1]!['Temporary Password']!,
      }),
    });
    expect(((await token.json()) as { error_description: string }).error_description).toContain(
      'must change the password',
    );
  });

  it('re-importing updates by User Name and never duplicates', async () => {
    const before = await countUsers();
    const sample = await sampleTemplate();
    const verified = await upload(sample.replace('IT Manager', 'Head of IT'));
    expect(verified.body).toMatchObject({ willCreate: 0, willUpdate: 5 });
    const applied = await apply(verified.body.id, { licence: 'DYN365_ENTERPRISE_PLAN1' });
    expect(applied.body).toMatchObject({ created: 0, updated: 5, licensed: 0 });
    expect(await countUsers()).toBe(before);
  });

  it('accepts LF, no BOM, quoted fields with commas and newlines, and a lone space as blank', async () => {
    const csv =
      `${HEADER}\n` +
      `"quoted@contoso.com",Q,Person,"Person, Q","Sales, Inside", ,,,,,,"1 Main St\nSuite 2",Oslo,,0150,Norway\n`;
    const verified = await upload(csv);
    expect(verified.status).toBe(201);
    expect(verified.body).toMatchObject({ rowCount: 1, problemCount: 0, willCreate: 1 });
    const applied = await apply(verified.body.id, {});
    expect(applied.body).toMatchObject({ created: 1 });
  });

  it('lists every row problem by row and column, and refuses to apply until skipInvalidRows', async () => {
    const long = 'x'.repeat(65);
    const csv = [
      HEADER,
      row('', 'No User Name'),
      row('nodisplay@contoso.com', ''),
      row('bad name@contoso.com'),
      row('someone@fabrikam.com'),
      [`long@contoso.com`, long, ...Array(14).fill('')].join(',').replace(/,$/, ',x'),
      row('twice@contoso.com'),
      row('TWICE@contoso.com'),
      row('fine@contoso.com'),
    ].join('\r\n');
    const before = await countUsers();
    const verified = await upload(csv);
    expect(verified.status).toBe(201);
    const byRow = new Map(verified.body.problems.map((p) => [`${p.row}:${p.column}`, p.message]));
    expect(byRow.get('2:User Name')).toContain('required');
    expect(byRow.get('3:Display Name')).toContain('required');
    expect(byRow.get('4:User Name')).toContain('may contain only');
    expect(byRow.get('5:User Name')).toContain('not a verified domain');
    expect(byRow.get('6:First Name')).toContain('limit is 64');
    expect(byRow.get('7:User Name')).toContain('rows 7, 8');
    expect(byRow.get('8:User Name')).toContain('appears 2 times');
    expect(verified.body.validRowCount).toBe(1);

    const log = await fetch(`${system.url}/directory/imports/${verified.body.id}/problems.csv`, {
      headers: auth,
    });
    const logRows = parse((await log.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<
      string,
      string
    >[];
    expect(logRows.length).toBe(verified.body.problemCount);
    expect(Object.keys(logRows[0]!)).toEqual(['Row', 'Column', 'Value', 'Problem']);

    const refused = await apply(verified.body.id, {});
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain('skipInvalidRows');
    expect(await countUsers()).toBe(before);

    const partial = await apply(verified.body.id, { skipInvalidRows: true });
    expect(partial.body).toMatchObject({ created: 1, failed: 7 });
    const results = await fetch(`${system.url}/directory/imports/${verified.body.id}/results.csv`, {
      headers: auth,
    });
    const lines = parse((await results.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<
      string,
      string
    >[];
    expect(lines.find((l) => l['User Name'] === 'someone@fabrikam.com')?.Result).toBe('Failed');
    expect(lines.find((l) => l['User Name'] === 'someone@fabrikam.com')?.Message).toContain(
      'verified domain',
    );
  });

  it.each([
    ['wrong header', `User,First Name\r\n${row('a@contoso.com')}`, 'column 1'],
    [
      'reordered header',
      `${M365_HEADER.slice().reverse().join(',')}\r\n${row('a@contoso.com')}`,
      'expected "User Name"',
    ],
    ['empty file', '', 'empty'],
    ['header only', `${HEADER}\r\n`, 'no users'],
  ])('rejects a file with a %s and writes nothing', async (_name, csv, fragment) => {
    const before = await countUsers();
    const response = await upload(csv);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('InvalidCsv');
    expect(response.body.detail).toContain(fragment);
    expect(await countUsers()).toBe(before);
  });

  it('names the row with bytes that are not UTF-8', async () => {
    const bad = Buffer.concat([
      Buffer.from(`${HEADER}\r\n${row('ok@contoso.com')}\r\n`),
      Buffer.from('latin1@contoso.com,J'),
      Buffer.from([0xf8, 0x72, 0x67, 0x65, 0x6e]),
      Buffer.from(`,x,Jorgen X,,,,,,,,,,,,Denmark\r\n`),
    ]);
    const response = await upload(bad);
    expect(response.status).toBe(400);
    expect(response.body.detail).toContain('Row 3');
    expect(response.body.detail).toContain('UTF-8');
  });

  // 2 MB is plenty to prove the point (the reader stops at the first bad row, whatever the size);
  // the server must also discard the unread rest, or the connection stays busy and delays shutdown.
  it('rejects 2 MB of random bytes quickly and stays healthy', async () => {
    const started = Date.now();
    const junk = crypto.randomBytes(2 * 1024 * 1024);
    const response = await upload(junk);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('InvalidCsv');
    expect(Date.now() - started).toBeLessThan(15000);
    const junkAfterHeader = Buffer.concat([Buffer.from(`${HEADER}\r\n`), Buffer.from('a,b\n'.repeat(2000))]);
    const stopped = await upload(junkAfterHeader);
    expect(stopped.status).toBe(400);
    expect(stopped.body.detail).toContain('Stopped after 1,000 problems');
    expect((await fetch(`${system.url}/healthz`)).status).toBe(200);
  });

  it('leaves no staged rows behind when a file is refused part-way or an import expires', async () => {
    const { sql } = await import('drizzle-orm');
    const { deleteExpiredImports } = await import('../src/directory/csv-import.js');
    const db = system.running.database.db;
    const staged = async (id?: string) =>
      (
        (await db.execute(
          id
            ? sql`select count(*)::int as n from directory.import_rows where import_id = ${id}`
            : sql`select (select count(*) from directory.import_rows)::int + (select count(*) from directory.import_problems)::int as n`,
        )) as unknown as { rows: { n: number }[] }
      ).rows[0]!.n;
    const before = await staged();
    // 6,000 good rows are staged (more than one batch) before the problems pass 1,000.
    const good = Array.from({ length: 6000 }, (_, i) => row(`part${i}@contoso.com`));
    const refused = await upload([HEADER, ...good, ...Array(1001).fill('x,y')].join('\r\n'));
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain('Stopped after 1,000 problems');
    expect(await staged()).toBe(before);

    const verified = await upload([HEADER, row('expiring@contoso.com')].join('\r\n'));
    expect(await staged(verified.body.id)).toBe(1);
    await db.execute(
      sql`update directory.imports set created_at = now() - interval '25 hours' where id = ${verified.body.id}`,
    );
    expect(await deleteExpiredImports(db)).toBeGreaterThanOrEqual(1);
    expect(await staged(verified.body.id)).toBe(0);
  });

  it('verifies two uploads at once, each on its own staging worker', async () => {
    const file = (prefix: string, n: number) =>
      [HEADER, ...Array.from({ length: n }, (_, i) => row(`${prefix}${i}@contoso.com`))].join('\r\n');
    const [a, b] = await Promise.all([upload(file('twina', 7000)), upload(file('twinb', 3000))]);
    expect(a.body).toMatchObject({ state: 'verified', rowCount: 7000, problemCount: 0, willCreate: 7000 });
    expect(b.body).toMatchObject({ state: 'verified', rowCount: 3000, problemCount: 0, willCreate: 3000 });
  });

  it('forgets an upload the client abandons part-way, and stays healthy', async () => {
    const http = await import('node:http');
    const { sql } = await import('drizzle-orm');
    const db = system.running.database.db;
    const count = async (query: ReturnType<typeof sql>) =>
      ((await db.execute(query)) as unknown as { rows: { n: number }[] }).rows[0]!.n;
    const stagedBefore = await count(sql`select count(*)::int as n from directory.import_rows`);
    const body = Buffer.from(
      [HEADER, ...Array.from({ length: 12000 }, (_, i) => row(`gone${i}@contoso.com`))].join('\r\n'),
    );
    const url = new URL(`${system.url}/directory/imports`);
    const request = http.request(url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv', 'content-length': String(body.length * 2) },
    });
    const dropped = new Promise<void>((resolve) => request.on('error', () => resolve()));
    // Half the promised bytes (two batches and more), then, once rows are staged, the connection drops.
    request.write(body);
    for (let i = 0; i < 100; i++) {
      if ((await count(sql`select count(*)::int as n from directory.import_rows`)) > stagedBefore) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await count(sql`select count(*)::int as n from directory.import_rows`)).toBeGreaterThan(
      stagedBefore,
    );
    request.destroy();
    await dropped;
    for (let i = 0; i < 50; i++) {
      const uploading = await count(
        sql`select count(*)::int as n from directory.imports where state = 'uploading'`,
      );
      if (uploading === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await count(sql`select count(*)::int as n from directory.imports where state = 'uploading'`)).toBe(
      0,
    );
    expect(await count(sql`select count(*)::int as n from directory.import_rows`)).toBe(stagedBefore);
    expect((await fetch(`${system.url}/healthz`)).status).toBe(200);
  });

  it('rejects an unknown licence and seat exhaustion without writing', async () => {
    const csv = [HEADER, ...Array.from({ length: 3 }, (_, i) => row(`seat${i}@contoso.com`))].join('\r\n');
    const verified = await upload(csv);
    const before = await countUsers();
    const unknown = await apply(verified.body.id, { licence: 'NO_SUCH_SKU' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain('NO_SUCH_SKU');
    const exhausted = await apply(verified.body.id, { licence: 'DYN365_BUSCENTRAL_ESSENTIAL' });
    expect(exhausted.status).toBe(409);
    expect(exhausted.body.code).toBe('CountViolation');
    expect(exhausted.body.detail).toContain('3 needed');
    expect(await countUsers()).toBe(before);
  });

  it('refuses a licence for rows without a usage location unless one is chosen', async () => {
    const csv = [HEADER, row('nowhere@contoso.com', 'No Where', 'Atlantis')].join('\r\n');
    const verified = await upload(csv);
    const refused = await apply(verified.body.id, { licence: 'DYN365_ENTERPRISE_PLAN1' });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('UsageLocationRequired');
    expect(refused.body.detail).toContain('row: 2');
    const ok = await apply(verified.body.id, { licence: 'DYN365_ENTERPRISE_PLAN1', usageLocation: 'DK' });
    expect(ok.body).toMatchObject({ created: 1, licensed: 1 });
  });

  it('imports the Microsoft Entra bulk-create format, skipping the example row', async () => {
    const csv = [
      'version:v1.0',
      'Name [displayName] Required,User name [userPrincipalName] Required,Initial password [passwordProfile] Required,Block sign in (Yes/No) [accountEnabled] Required,First name [givenName],Last name [surname],Usage location [usageLocation],Something else [extraThing]',
      'Chris Green,chris@contoso.com,myPassword1234,No,Chris,Green,US,ignored',
      'Entra Person,entra@contoso.com,Str0ng-Passw0rd,Yes,Entra,Person,GB,ignored',
    ].join('\r\n');
    const verified = await upload(csv);
    expect(verified.status).toBe(201);
    // Row 3 is the template's example row (all mapped cells equal), so only entra@ is imported.
    expect(verified.body).toMatchObject({ format: 'entra', rowCount: 1, problemCount: 0, willCreate: 1 });
    const applied = await apply(verified.body.id, { licence: 'DYN365_ENTERPRISE_PLAN1' });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ created: 1 });
    // The file's initial password is the user's (scrypt-hashed); the row said Block sign in: Yes.
    const refusal = await getToken(system.url, 'entra@contoso.com', 'Str0ng-Passw0rd').catch(
      (e: Error) => e.message,
    );
    expect(refusal).toContain('Sign-in is blocked');
  });

  it('is a dry run with ?dryRun=true', async () => {
    const verified = await upload([HEADER, row('dry@contoso.com')].join('\n'), '?dryRun=true');
    expect(verified.status).toBe(201);
    const refused = await apply(verified.body.id, {});
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('dry run');
  });

  it('is still healthy after every bad input', async () => {
    expect((await fetch(`${system.url}/healthz`)).status).toBe(200);
  });
});
