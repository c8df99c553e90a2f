import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giveRoles, provisionAll } from '../support/bridge.js';
import { chromiumAvailable, expectAccessible, launchChromium, watchConsole } from '../support/browser.js';
import { createDirectoryUser } from '../support/sales-users.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';
import { ensureWebBundle } from '../support/web-bundle.js';

const STEP = { timeout: 60_000 };
const PASSWORD = 'Sam-Passw0rd!';

/**
 * A person who is not an administrator: a Salesperson licensed for Sales only. The console shows
 * them what their directory role and Sales rights open, their own account with a way to change the
 * password, and says so plainly on a page they may not use.
 */
describe.skipIf(!chromiumAvailable())('the console for someone who is not an administrator', () => {
  let system: TestSystem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleErrors: ReturnType<typeof watchConsole>;
  let upn = '';

  beforeAll(async () => {
    await ensureWebBundle();
    [system, browser] = await Promise.all([startTestSystem(), launchChromium()]);
    upn = `sam@${system.admin.upn.split('@')[1]!}`;
    await createDirectoryUser(system, upn, {
      licences: ['DYN365_ENTERPRISE_PLAN1'],
      password: PASSWORD,
      displayName: 'Sam Seller',
    });
    await provisionAll(system);
    await giveRoles(system, [upn], ['Salesperson']);
    context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    consoleErrors = watchConsole(page);
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await system?.stop();
  });

  const navigation = () => page.getByRole('navigation');
  const navLink = (name: string) => navigation().getByRole('link', { name, exact: true });

  it('shows a Salesperson their own home page and navigation, not the administrator’s', STEP, async () => {
    await page.goto(`${system.url}/`);
    await page.getByLabel('User name').fill(upn);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Welcome, Sam Seller', level: 1 }).waitFor();
    await page.getByText('In Sales you are Salesperson.').waitFor();
    await navLink('Accounts').waitFor();
    expect(await page.locator('main').innerText()).not.toMatch(
      /Start with the salespeople|Import the salespeople/,
    );
    for (const adminOnly of [
      'Active users',
      'Import users',
      'Licences',
      'Assisted setup',
      'Connection',
      'Salespeople',
    ]) {
      expect(await navLink(adminOnly).count(), `${adminOnly} in the navigation`).toBe(0);
    }
    await navLink('My account').waitFor();
    await page.getByRole('link', { name: 'Change your password' }).waitFor();
    await expectAccessible(page, 'a Salesperson’s home page');
  });

  it('says "no access" on a page they may not use, instead of an error', STEP, async () => {
    await page.goto(`${system.url}/admin/directory/users`);
    await page.getByRole('heading', { name: 'Active users', level: 1 }).waitFor();
    await page
      .getByText('You don’t have access to this page')
      .or(page.getByText("You don't have access to this page"))
      .waitFor();
    expect(await page.getByRole('button', { name: 'Add a user' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    await expectAccessible(page, 'the no-access page');
  });

  it('lets them read Sales users without the administrator’s actions', STEP, async () => {
    await navLink('Users').click();
    await page
      .getByRole('table', { name: 'Sales users' })
      .getByRole('row', { name: /Sam Seller/ })
      .waitFor();
    expect(await page.getByRole('button', { name: 'Manage security roles' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Set access mode' }).count()).toBe(0);
  });

  it('shows their profile and changes their password', STEP, async () => {
    await navLink('My account').click();
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    const profile = page.getByRole('region', { name: 'Profile' });
    await profile.getByText('Salesperson').waitFor();
    expect(await profile.innerText()).toContain(upn);
    await expectAccessible(page, 'My account');
    // Required fields are checked before anything is sent.
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Enter your current password.').waitFor();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('textbox', { name: 'New password', exact: true }).fill('Sam-N3w-Passw0rd!');
    await page.getByLabel('Confirm new password').fill('Sam-N3w-Passw0rd!');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor();
  });

  it('logged no console error', () => {
    expect(consoleErrors.unexpected()).toEqual([]);
  });
});
