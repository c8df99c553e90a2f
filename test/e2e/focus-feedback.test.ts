import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionAll } from '../support/bridge.js';
import { chromiumAvailable, expectAccessible, launchChromium, watchConsole } from '../support/browser.js';
import { createDirectoryUser } from '../support/sales-users.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';
import { ensureWebBundle } from '../support/web-bundle.js';

const STEP = { timeout: 60_000 };

/**
 * Focus and feedback as an administrator meets them: the outline starts with each page's h1, dialogs
 * give the focus back to what opened them, a destructive confirmation starts on Cancel, required
 * fields are checked before anything is sent, bulk actions say what they did, a list says when it
 * is updating, and an unreachable server is said on the page that still shows older data.
 */
describe.skipIf(!chromiumAvailable())('focus and feedback in the console', () => {
  let system: TestSystem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleErrors: ReturnType<typeof watchConsole>;

  beforeAll(async () => {
    await ensureWebBundle();
    [system, browser] = await Promise.all([startTestSystem(), launchChromium()]);
    const domain = system.admin.upn.split('@')[1]!;
    for (const name of ['Ann Archer', 'Bob Baker']) {
      await createDirectoryUser(system, `${name.split(' ')[0]!.toLowerCase()}@${domain}`, {
        licences: ['DYN365_ENTERPRISE_PLAN1'],
        displayName: name,
      });
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

  async function go(navigationItem: string) {
    await page
      .getByRole('navigation')
      .getByRole('link', { name: navigationItem, exact: true })
      .first()
      .click();
  }

  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return `${el?.tagName ?? ''} ${el?.getAttribute('aria-label') ?? ''} ${el?.textContent ?? ''}`.trim();
    });
  /** The first heading of the outline (as assistive technology sees headings), and its level. */
  const firstHeading = () =>
    page
      .getByRole('heading')
      .first()
      .evaluate((el) => (el.getAttribute('aria-level') ? `H${el.getAttribute('aria-level')}` : el.tagName));

  it('puts each page’s h1 first in the outline, before the navigation (point 8)', STEP, async () => {
    expect(await firstHeading()).toBe('H1');
    await go('Active users');
    await page.getByRole('heading', { name: 'Active users', level: 1 }).waitFor();
    expect(await firstHeading()).toBe('H1');
  });

  it(
    'checks Add user’s required fields first, builds the display name, and gives the focus back (points 8, 9, 10)',
    STEP,
    async () => {
      const add = page.getByRole('button', { name: 'Add a user' });
      await add.click();
      const dialog = page.getByRole('dialog', { name: 'Add a user' });
      await dialog.getByRole('button', { name: 'Add user' }).click();
      await dialog.getByText('Enter a user name.').waitFor();
      expect(await dialog.innerText()).not.toMatch(/must be alias@domain/);
      expect(await focused()).toMatch(/INPUT/);
      await expectAccessible(page, 'the Add user dialog', '[role="dialog"]');

      await dialog.getByLabel('First name').fill('Dana');
      await dialog.getByLabel('Last name').fill('Scully');
      expect(await dialog.getByLabel('Display name').inputValue()).toBe('Dana Scully');
      await dialog.getByLabel('Display name').fill('Dana K. Scully');
      await dialog.getByLabel('Last name').fill('Scully-Mulder');
      // Once typed, the display name is the person's own.
      expect(await dialog.getByLabel('Display name').inputValue()).toBe('Dana K. Scully');

      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await expect.poll(focused).toMatch(/Add a user/);
    },
  );

  it('says a list is updating while a search loads, the old rows still shown (point 9)', STEP, async () => {
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByRole('link', { name: 'Ann Archer' }).waitFor();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/directory/users?*', async (route) => {
      await held;
      // A request the page gave up on meanwhile (a newer search) is already over.
      await route.continue().catch(() => undefined);
    });
    await page.getByRole('searchbox').fill('bob');
    await page.getByRole('status').filter({ hasText: 'Updating the list' }).waitFor();
    expect(await users.getByRole('link', { name: 'Ann Archer' }).count()).toBe(1);
    release();
    await page.unroute('**/directory/users?*');
    await expect.poll(() => users.getByRole('row').count()).toBe(2);
    await page.getByRole('status').filter({ hasText: 'Updating the list' }).waitFor({ state: 'hidden' });
    await page.getByRole('searchbox').fill('');
  });

  it('says when the server cannot be reached, over data already shown (point 9)', STEP, async () => {
    consoleErrors.allow(/ERR_FAILED|net::/);
    await page.route('**/directory/users?*', (route) => route.abort('failed'));
    await page.getByRole('button', { name: 'Refresh' }).click();
    const banner = page.getByRole('alert').filter({ hasText: 'Tandem is not answering' });
    await banner.waitFor();
    await page.unroute('**/directory/users?*');
    await banner.getByRole('button', { name: 'Try again' }).click();
    await banner.waitFor({ state: 'hidden' });
    await page.getByRole('table', { name: 'Users' }).getByRole('link', { name: 'Bob Baker' }).waitFor();
  });

  it('confirms a bulk role change and gives the focus back to the toolbar (points 8, 9)', STEP, async () => {
    await go('Users');
    const users = page.getByRole('table', { name: 'Sales users' });
    await users.getByRole('row', { name: /Bob Baker/ }).waitFor();
    await users.getByRole('checkbox', { name: 'Select Ann Archer' }).check();
    await users.getByRole('checkbox', { name: 'Select Bob Baker' }).check();
    const manage = page.getByRole('button', { name: 'Manage security roles' });
    await manage.click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('checkbox', { name: 'Salesperson' }).waitFor();
    await expectAccessible(page, 'the security roles dialog', '[role="dialog"]');
    await dialog.getByRole('checkbox', { name: 'Salesperson' }).check();
    await dialog.getByRole('button', { name: 'Assign' }).click();
    await page.getByRole('status').filter({ hasText: 'Salesperson given to 2 users.' }).waitFor();

    await users.getByRole('checkbox', { name: 'Select Ann Archer' }).check();
    await manage.click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(focused).toMatch(/Manage security roles/);
  });

  it('checks the ERP salesperson code before sending (point 9)', STEP, async () => {
    await go('Salespeople');
    await page.getByRole('button', { name: 'New salesperson' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText('Enter the code.').waitFor();
    await expectAccessible(page, 'the New salesperson dialog', '[role="dialog"]');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(focused).toMatch(/New salesperson/);
  });

  it(
    'starts the setup on its first field and a destructive confirmation on Cancel (point 8)',
    STEP,
    async () => {
      await go('Assisted setup');
      await page.getByRole('button', { name: 'Start setup' }).click();
      await page.getByRole('heading', { name: 'Sales URL', level: 2 }).waitFor();
      await expect.poll(focused).toMatch(/^INPUT/);
      expect(
        await page.evaluate(() => document.activeElement === document.querySelector('input[type="url"]')),
      ).toBe(true);

      await page.getByRole('button', { name: 'Leave setup' }).click();
      const leave = page.getByRole('dialog', { name: 'Leave the setup?' });
      await leave.waitFor();
      await expect.poll(focused).toMatch(/^BUTTON.*Cancel/);
      await expectAccessible(page, 'the Leave setup confirmation', '[role="dialog"]');
      await page.keyboard.press('Enter');
      await leave.waitFor({ state: 'hidden' });
      // Enter pressed Cancel: the setup is still running, and the focus is back on Leave setup.
      await page.getByRole('heading', { name: 'Sales URL', level: 2 }).waitFor();
      await expect.poll(focused).toMatch(/Leave setup/);
    },
  );

  it(
    'uses one name per licence and distinct titles for the two contacts pages (point 10)',
    STEP,
    async () => {
      await page.getByRole('navigation').getByRole('link', { name: 'Home', exact: true }).click();
      await page.getByRole('heading', { name: /Welcome/ }).waitFor();
      const home = await page.locator('main').innerText();
      expect(home).toMatch(/Dynamics 365 Customer Engagement Plan/);
      expect(home).not.toMatch(/Dynamics 365 Sales\b/);
      await page
        .getByRole('navigation')
        .getByRole('group', { name: 'Sales' })
        .getByRole('link', { name: 'Contacts' })
        .click();
      await page.getByRole('heading', { name: 'Sales contacts', level: 1 }).waitFor();
      await page
        .getByRole('navigation')
        .getByRole('group', { name: 'ERP' })
        .getByRole('link', { name: 'Contacts' })
        .click();
      await page.getByRole('heading', { name: 'ERP contacts', level: 1 }).waitFor();
    },
  );

  it('logged no console error', () => {
    expect(consoleErrors.unexpected()).toEqual([]);
  });
});
