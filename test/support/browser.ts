import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium: the browser tests never download a browser of their own. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether the browser tests can run. Without Chromium they fail in CI (which installs it, so a
 * missing browser there is a broken build) and are skipped elsewhere with the way to install it.
 */
export function chromiumAvailable(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CI) {
    throw new Error(`${CHROMIUM} is missing; .ci/run installs it with "apt-get install chromium".`);
  }
  process.stderr.write(
    `Browser tests skipped: ${CHROMIUM} is missing. Install it with: apt-get install chromium\n`,
  );
  return false;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Records every console error and page error of a page. A test calls `expectNone()` at its end;
 * `allow(pattern)` accepts errors a step provokes on purpose (a refused request logs one in Chrome).
 */
export function watchConsole(page: Page) {
  const errors: string[] = [];
  const allowed: RegExp[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return {
    allow(pattern: RegExp) {
      allowed.push(pattern);
    },
    unexpected(): string[] {
      return errors.filter((e) => !allowed.some((pattern) => pattern.test(e)));
    },
  };
}

export const SCREENSHOT_DIR = path.resolve('test-results', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

/**
 * axe-core over the page as it stands (or one part of it, such as an open dialog): fails with each
 * serious or critical violation, its rule, what it is about and the elements it found.
 */
export async function expectAccessible(page: Page, where: string, include?: string): Promise<void> {
  // Fluent UI's focus manager (tabster) puts aria-hidden sentinels with tabindex 0 around focus
  // groups: focusing one moves the focus on at once, so no one lands on it. axe cannot know that.
  let builder = new AxeBuilder({ page }).exclude('[data-tabster-dummy]');
  if (include) builder = builder.include(include);
  const results = await builder.analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const described = serious.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`,
  );
  if (described.length > 0) {
    throw new Error(`axe-core found serious problems on ${where}:\n${described.join('\n')}`);
  }
}
