import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionAll } from '../support/bridge.js';
import { chromiumAvailable, expectAccessible, launchChromium, watchConsole } from '../support/browser.js';
import { getSystemUser } from '../../src/sales/users.js';
import { adminCaller, createDirectoryUser } from '../support/sales-users.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';
import { ensureWebBundle } from '../support/web-bundle.js';

const STEP = { timeout: 60_000 };
const SELLERS = ['ana', 'bo', 'cy', 'di', 'ed'];

/**
 * The assisted setup as a new administrator meets it on a fresh Tandem: the first step passes on its
 * own default, a fresh Global administrator is offered the roles rule A1 wants (no password typed
 * twice), the console speaks of its own pages rather than API routes or CLI flags, and enabling with
 * salespeople still uncoupled is a warning that stays until they are coupled or it is dismissed.
 */
describe.skipIf(!chromiumAvailable())('the assisted setup for a new administrator', () => {
  let system: TestSystem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleErrors: ReturnType<typeof watchConsole>;

  beforeAll(async () => {
    await ensureWebBundle();
    [system, browser] = await Promise.all([startTestSystem(), launchChromium()]);
    const domain = system.admin.upn.split('@')[1]!;
    for (const name of SELLERS) {
      await createDirectoryUser(system, `${name}@${domain}`, { licences: ['DYN365_ENTERPRISE_PLAN1'] });
    }
    await provisionAll(system);
    context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    consoleErrors = watchConsole(page);
    await page.goto(`${system.url}/`);
    await page.getByLabel('User name').fill(system.admin.upn);
    await page.getByLabel('Password').fill(system.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Welcome/ }).waitFor();
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await system?.stop();
  });

  const heading = (name: string | RegExp) => page.getByRole('heading', { name, level: 2 });

  async function go(navigationItem: string) {
    await page
      .getByRole('navigation')
      .getByRole('link', { name: navigationItem, exact: true })
      .first()
      .click();
  }

  /** Next, then the following step; a step that does not pass fails the test with its checks. */
  async function next(following: string) {
    await page.getByRole('button', { name: 'Next' }).click();
    // Wait for the following step itself: a refusal from an earlier press of Next stays on screen
    // while the step is checked again, so seeing one proves nothing about this press.
    try {
      await heading(following).waitFor({ timeout: 20_000 });
    } catch {
      throw new Error(
        `The step before "${following}" did not pass:\n${await page.locator('section').last().innerText()}`,
      );
    }
  }

  it(
    'passes the first step on its own default: this Tandem at its loopback address (point 1)',
    STEP,
    async () => {
      await go('Assisted setup');
      await page.getByRole('button', { name: 'Start setup' }).click();
      await heading('Sales URL').waitFor();
      expect(await page.getByRole('textbox', { name: 'Sales URL' }).inputValue()).toBe(system.url);
      await expectAccessible(page, 'the setup’s first step');
      // Next with nothing touched: the default is this Tandem's own Sales, over http on loopback.
      await next('Administrator');
    },
  );

  /** The console's fixes name its pages, buttons and checkboxes: never an API route, field or CLI flag. */
  function expectConsoleWords(text: string) {
    expect(text).not.toMatch(/\b(POST|GET|PATCH|DELETE) \//);
    expect(text).not.toMatch(/--[a-z]/);
    expect(text).not.toMatch(/allowHttp|createIfMissing|accessmode|\btandem [a-z]|API:|CLI:/);
  }

  it(
    'says what to do in the console’s words: the checkbox, not the API field or CLI flag (point 2)',
    STEP,
    async () => {
      await page.getByRole('button', { name: 'Back' }).click();
      await heading('Sales URL').waitFor();
      await page.getByRole('checkbox', { name: 'Allow http for a loopback address' }).uncheck();
      await page.getByRole('button', { name: 'Next' }).click();
      const refusal = page.getByRole('list', { name: 'Checks of sales-url' });
      await refusal.waitFor();
      const text = await refusal.innerText();
      expect(text).toMatch(/tick “Allow http for a loopback address”/);
      expectConsoleWords(text);
      await page.getByRole('checkbox', { name: 'Allow http for a loopback address' }).check();

      // An API refusal names the API's route for API callers; the console shows it without that aside.
      await page.route('**/bridge/setup/steps/sales-url', (route) =>
        route.fulfill({
          status: 409,
          contentType: 'application/problem+json',
          body: JSON.stringify({
            status: 409,
            code: 'Conflict',
            title: 'Conflict',
            detail: 'No setup is running. Start one first (POST /bridge/setup/start).',
          }),
        }),
      );
      consoleErrors.allow(/409/);
      await page.getByRole('button', { name: 'Next' }).click();
      const refused = page.getByRole('alert').filter({ hasText: 'No setup is running' });
      await refused.waitFor();
      expect(await refused.innerText()).toMatch(/Start one first\.$/m);
      expectConsoleWords(await refused.innerText());
      await page.unroute('**/bridge/setup/steps/sales-url');
      await next('Administrator');
    },
  );

  it(
    'offers a fresh Global administrator the roles A1 wants, then re-checks without the password again (point 3)',
    STEP,
    async () => {
      await page.getByLabel('Administrator password').fill(system.admin.password);
      await page.getByRole('button', { name: 'Next' }).click();
      const refusal = page.getByRole('list', { name: 'Checks of admin' });
      await refusal.waitFor();
      expect(await refusal.innerText()).toMatch(/lacks the System Customizer role/);
      expectConsoleWords(await refusal.innerText());
      await expectAccessible(page, 'the A1 refusal');

      // A choice of the non-administrative role, Sales Manager by default; the offer follows the choice.
      const role = page.getByRole('combobox', { name: 'Non-administrative role' });
      expect(await role.inputValue()).toBe('Sales Manager');
      const options = await role.locator('option').allInnerTexts();
      expect(options).toContain('Salesperson');
      expect(options).not.toContain('System Administrator');
      expect(options).not.toContain('Integration User');
      await role.selectOption('Salesperson');
      await page
        .getByRole('button', { name: `Give ${system.admin.upn} System Customizer and Salesperson` })
        .waitFor();
      await role.selectOption('Sales Manager');
      const give = page.getByRole('button', {
        name: `Give ${system.admin.upn} System Customizer and Sales Manager`,
      });
      // The password typed once stays for the check after the roles are given.
      expect(await page.getByLabel('Administrator password').inputValue()).toBe(system.admin.password);
      await give.click();
      const confirm = page.getByRole('dialog', { name: 'Give the roles?' });
      expect(await confirm.innerText()).toMatch(/your own rights/);
      await expectAccessible(page, 'the give-roles confirmation', '[role="dialog"]');
      await confirm.getByRole('button', { name: 'Give the roles' }).click();

      // The roles are given and the step runs again with the password already typed.
      await heading('Integration user').waitFor();
      await page
        .getByRole('status')
        .filter({ hasText: /System Customizer and Sales Manager given to/ })
        .waitFor();
      await page.getByText('Administrator: done').waitFor();
      // Given with the administrator's own rights: Sales now lists both roles for it.
      const caller = await adminCaller(system);
      const roles = await getSystemUser(system.running.sales.context, caller.systemUserId);
      expect(roles.roles.map((r) => r.name)).toEqual(
        expect.arrayContaining(['System Administrator', 'System Customizer', 'Sales Manager']),
      );
    },
  );

  it(
    'warns that no salesperson is coupled, on the last step, the Connection page and the home page, until dismissed (point 4)',
    STEP,
    async () => {
      // The recommended application user: setup creates it.
      await next('Deploy the integration solution');
      await next('ERP permission set INTEGRATION');
      await next('Access mode Non-interactive');
      await next('Local currency in Sales');
      await next('Default mappings');
      await next('Couple salespeople');
      await next('Test and enable');

      // No ERP salesperson exists, so nobody could be coupled: that is a warning, not "all done".
      const stepDone = page.getByRole('region', { name: /Couple salespeople.*done, with a warning/ });
      await stepDone.waitFor();
      expect(await stepDone.innerText()).toMatch(/5 of 5 eligible Sales users are not coupled/);
      expect(await stepDone.innerText()).not.toMatch(/Everything was already in place/);
      expect(await stepDone.innerText()).toMatch(/Couple salespeople page/);
      expectConsoleWords(await stepDone.innerText());

      await page.getByRole('button', { name: 'Test and enable' }).click();
      await heading('Setup finished: the connection is enabled').waitFor();
      const warning = () => page.getByRole('alert').filter({ hasText: /Sales users are not coupled/ });
      await warning().waitFor();
      expect(await warning().innerText()).toMatch(/5 of 5 eligible Sales users are not coupled/);
      await expectAccessible(page, 'the finished setup');

      await go('Connection');
      await page.getByRole('heading', { name: 'Connection', level: 1 }).waitFor();
      await warning().waitFor();
      await warning().getByRole('link', { name: 'Couple salespeople' }).waitFor();
      expectConsoleWords(await page.locator('main').innerText());

      await page.getByRole('link', { name: 'Home', exact: true }).first().click();
      await page.getByRole('heading', { name: /Welcome/ }).waitFor();
      await warning().waitFor();
      await warning().getByRole('button', { name: 'Dismiss' }).click();
      await warning().waitFor({ state: 'hidden' });
      await page.reload();
      await page.getByRole('heading', { name: /Welcome/ }).waitFor();
      await go('Connection');
      await page.getByRole('heading', { name: 'Connection', level: 1 }).waitFor();
      await page.getByText('Enabled', { exact: true }).waitFor();
      expect(await warning().count()).toBe(0);
    },
  );

  it(
    'shows rules as small badges after plain words, and mappings by their display names (point 5)',
    STEP,
    async () => {
      await go('Assisted setup');
      await page.getByRole('button', { name: 'Run setup again' }).waitFor();
      const main = await page.locator('main').innerText();
      expect(main).not.toMatch(/the way the article describes|\(A1\)|\(A2 \/ A7\)/);
      // The step list names the steps plainly.
      const steps = await page.getByRole('list', { name: 'Setup steps' }).innerText();
      expect(steps).toMatch(/Administrator/);
      expect(steps).not.toMatch(/\(rules? A/);

      await go('Connection');
      const mappings = page.getByRole('table', { name: 'Table mappings' });
      await mappings.getByRole('row', { name: /Salespeople\/Purchasers ← Users/ }).waitFor();
      const text = await mappings.innerText();
      expect(text).toMatch(/Sales wins/);
      expect(text).toMatch(/Remove coupling/);
      expect(text).toMatch(/Customers ↔ Accounts/);
      expect(text).not.toMatch(/SalesWins|RemoveCoupling|ErpWins|SALESPEOPLE|salespeoplePurchasers/);
      // A check's sentence comes first; its rule is a badge after it.
      const checks = page.getByRole('group', { name: 'Last account checks' });
      await checks.waitFor();
      expect(await checks.innerText()).toMatch(/^Application user/m);
      // The sentence first, the rule's badge after it.
      expect(await checks.innerText()).toMatch(/is Non-interactive\.A7/);
      expect(await checks.innerText()).not.toMatch(/A\d ·/);
      await expectAccessible(page, 'the Connection page');
    },
  );

  it(
    'opens each Sales user with its roles, licence, business unit, directory user and ERP salesperson; a customer’s salesperson is picked (point 10)',
    { timeout: 90_000 },
    async () => {
      // Salespeople for everyone, so each Sales user has one to link to.
      await go('Couple salespeople');
      const coupling = page.getByRole('table', { name: 'Sales users and their salespeople' });
      await coupling.getByRole('checkbox', { name: 'Select all uncoupled users' }).check();
      await page.getByRole('button', { name: /Create salespeople for the selected users/ }).click();
      await page.getByText(/salespeople created in the ERP and coupled/).waitFor();

      // The Sales users list says its total.
      await go('Users');
      const users = page.getByRole('table', { name: 'Sales users' });
      await users.getByRole('link', { name: 'ana', exact: true }).waitFor();
      const total = page.getByRole('status').filter({ hasText: /^\d+ Sales users?$/ });
      await total.waitFor();
      const rows = (await users.getByRole('row').count()) - 1;
      expect(await total.innerText()).toBe(`${rows} Sales users`);

      // Each user opens: roles, access mode, licence, business unit, the directory user, the salesperson.
      await users.getByRole('link', { name: 'ana', exact: true }).click();
      await page.getByRole('heading', { name: 'ana', level: 1 }).waitFor();
      const details = page.getByRole('definition').filter({ hasText: /./ });
      await details.first().waitFor();
      const salesUser = page.locator('dl[aria-label="Sales user"]');
      await expect.poll(() => salesUser.innerText()).not.toMatch(/Loading/);
      const text = await salesUser.innerText();
      expect(text).toMatch(/Security roles\s+\S/);
      expect(text).toMatch(/Access mode\s+Read-Write/);
      expect(text).toMatch(/Licence\s+Licensed \(Dynamics 365 Customer Engagement Plan\)/);
      expect(text).toMatch(/Business unit\s+\S/);
      const linked = page.locator('dl[aria-label="Directory and ERP"]');
      const salesperson = linked.getByRole('link', { name: /· ana$/ });
      await salesperson.waitFor();
      await expectAccessible(page, 'a Sales user’s page');

      // The directory user links back to both.
      await linked.getByRole('link', { name: `ana@${system.admin.upn.split('@')[1]}` }).click();
      await page.getByRole('heading', { name: 'ana', level: 1 }).waitFor();
      const both = page.locator('dl[aria-label="Sales and ERP"]');
      await both.getByRole('link', { name: 'ana', exact: true }).waitFor();
      await both.getByRole('link', { name: /· ana$/ }).click();
      await page.getByRole('heading', { name: 'Salespeople', level: 1 }).waitFor();
      await page.getByRole('table').getByText('ana', { exact: true }).first().waitFor();

      // A customer's salesperson is one of the salespeople, picked from a list.
      await page
        .getByRole('navigation')
        .getByRole('link', { name: 'Customers', exact: true })
        .first()
        .click();
      await page.getByRole('button', { name: 'New customer' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name').fill('Lookup Traders');
      const pick = dialog.getByRole('combobox', { name: 'Salesperson code' });
      await pick.click();
      const option = page.getByRole('option', { name: /· ana$/ });
      await option.waitFor();
      const code = (await option.innerText()).split(' · ')[0]!;
      await option.click();
      await expectAccessible(page, 'the New customer dialog', '[role="dialog"]');
      await dialog.getByRole('button', { name: 'Create' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByRole('row', { name: new RegExp(`Lookup Traders.*${code}`) }).waitFor();
    },
  );

  it('logged no console error', () => {
    expect(consoleErrors.unexpected()).toEqual([]);
  });
});
