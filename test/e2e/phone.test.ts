import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionAll } from '../support/bridge.js';
import { chromiumAvailable, expectAccessible, launchChromium, watchConsole } from '../support/browser.js';
import { createDirectoryUser } from '../support/sales-users.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';
import { ensureWebBundle } from '../support/web-bundle.js';

const STEP = { timeout: 90_000 };

/** Every page of the navigation, by its section and link. */
const PAGES: Array<[string, string, string]> = [
  ['Directory', 'Active users', 'Active users'],
  ['Directory', 'Import users', 'Import multiple users'],
  ['Directory', 'Licences', 'Licences'],
  ['Sales', 'Users', 'Sales users'],
  ['Sales', 'Security roles', 'Security roles'],
  ['Sales', 'Accounts', 'Accounts'],
  ['Sales', 'Contacts', 'Sales contacts'],
  ['ERP', 'Salespeople', 'Salespeople'],
  ['ERP', 'Customers', 'Customers'],
  ['ERP', 'Contacts', 'ERP contacts'],
  ['ERP', 'Items', 'Items'],
  ['Bridge', 'Assisted setup', 'Assisted setup'],
  ['Bridge', 'Connection', 'Connection'],
  ['Bridge', 'Couple salespeople', 'Couple salespeople'],
];

/**
 * The console on a phone (390 × 844): the navigation behind a menu button, a one-line title, and no
 * page wider than the screen — lists scroll inside their own region or stack.
 */
describe.skipIf(!chromiumAvailable())('the console on a phone', () => {
  let system: TestSystem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleErrors: ReturnType<typeof watchConsole>;

  beforeAll(async () => {
    await ensureWebBundle();
    [system, browser] = await Promise.all([startTestSystem(), launchChromium()]);
    const domain = system.admin.upn.split('@')[1]!;
    await createDirectoryUser(system, `ann@${domain}`, {
      licences: ['DYN365_ENTERPRISE_PLAN1'],
      displayName: 'Ann Archer with a rather long display name',
    });
    await provisionAll(system);
    context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    consoleErrors = watchConsole(page);
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await system?.stop();
  });

  /** Elements sticking out past the right edge of the screen, outside a region that scrolls them. */
  const overflowing = () =>
    page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const found: string[] = [];
      for (const el of document.querySelectorAll<HTMLElement>('main *')) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.right <= width + 1) continue;
        let scrolled = false;
        for (
          let parent = el.parentElement;
          parent && parent.tagName !== 'MAIN';
          parent = parent.parentElement
        ) {
          const style = getComputedStyle(parent);
          if (
            /(auto|scroll|hidden)/.test(style.overflowX) &&
            parent.getBoundingClientRect().right <= width + 1
          ) {
            scrolled = true;
            break;
          }
        }
        if (!scrolled)
          found.push(`${el.tagName}.${el.className.toString().slice(0, 40)} right=${Math.round(box.right)}`);
      }
      return found.slice(0, 10);
    });

  it('signs in, with a one-line title and the navigation behind a menu button', STEP, async () => {
    await page.goto(`${system.url}/`);
    await page.getByLabel('User name').fill(system.admin.upn);
    await page.getByLabel('Password').fill(system.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Welcome/, level: 1 }).waitFor();
    const title = page.getByRole('link', { name: 'Tandem admin center' });
    const box = (await title.boundingBox())!;
    expect(box.height).toBeLessThan(30);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Active users' }).isVisible()).toBe(
      false,
    );
    expect(await overflowing()).toEqual([]);
    await expectAccessible(page, 'the home page on a phone');
  });

  it('keeps every page within the screen', STEP, async () => {
    for (const [section, link, heading] of PAGES) {
      await page.getByRole('button', { name: 'Show or hide the navigation' }).click();
      await page
        .getByRole('navigation')
        .getByRole('group', { name: section })
        .getByRole('link', { name: link, exact: true })
        .click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      // Let the page's list load before measuring.
      await page.waitForLoadState('networkidle');
      expect(await overflowing(), `${heading} on a phone`).toEqual([]);
      await expectAccessible(page, `${heading} on a phone`);
    }
  });

  it('logged no console error', () => {
    expect(consoleErrors.unexpected()).toEqual([]);
  });
});
