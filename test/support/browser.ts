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

/** A console error a step provokes on purpose: one request, its answer (status) or its failure. */
export interface ExpectedConsoleError {
  /** The request's address (the console message's location): a regular expression on the whole URL. */
  url: RegExp;
  /** The HTTP status Chrome reports ("… responded with a status of 400"). */
  status?: number;
  /** Or the network failure Chrome reports (e.g. 'net::ERR_CONNECTION_RESET'). */
  failure?: string;
}

/**
 * Records every console error and page error of a page. A test calls `unexpected()` at its end.
 *
 * `expectError({ url, status })` accepts exactly one error a step provokes on purpose (a refused
 * request logs one in Chrome): the first console error for that URL with that status, once. It
 * returns `seen()`, which the step awaits at its end: it waits for that error and closes the
 * allowance, so it cannot hide a later refusal of the same kind; an expected error that never came
 * is reported too. `allow(pattern)` accepts every matching error from then on; prefer
 * `expectError`, which cannot hide a later unexpected 400 or 403.
 */
export function watchConsole(page: Page) {
  const errors: string[] = [];
  const allowed: RegExp[] = [];
  const expected: Array<{ what: ExpectedConsoleError; used: boolean; open: boolean; notify?: () => void }> =
    [];
  const describe = (what: ExpectedConsoleError) =>
    `${what.status !== undefined ? `status ${what.status}` : what.failure} from ${what.url}`;
  const matches = (what: ExpectedConsoleError, text: string, url: string) =>
    what.url.test(url) &&
    (what.status === undefined || text.includes(`status of ${what.status} `)) &&
    (what.failure === undefined || text.includes(what.failure));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    const url = message.location().url;
    const allowance = expected.find((e) => e.open && !e.used && matches(e.what, text, url));
    if (allowance) {
      allowance.used = true;
      allowance.notify?.();
      return;
    }
    errors.push(`console: ${text} (${url})`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return {
    expectError(what: ExpectedConsoleError): () => Promise<void> {
      const allowance: (typeof expected)[number] = { what, used: false, open: true };
      expected.push(allowance);
      return async () => {
        if (!allowance.used) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 5_000);
            allowance.notify = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
        allowance.open = false;
        if (!allowance.used) {
          throw new Error(
            `The step expected a console error (${describe(what)}) that never came. Errors so far: ${JSON.stringify(errors)}`,
          );
        }
      };
    },
    allow(pattern: RegExp) {
      allowed.push(pattern);
    },
    unexpected(): string[] {
      return [
        ...errors.filter((e) => !allowed.some((pattern) => pattern.test(e))),
        ...expected.filter((e) => !e.used).map((e) => `expected but never logged: ${describe(e.what)}`),
      ];
    },
  };
}

export const SCREENSHOT_DIR = path.resolve('test-results', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

/**
 * Waits for the animations and transitions running now to end (a dialog fading in, a surface sliding
 * open), endless ones (spinners) aside. axe reads colours as they are drawn: half-way through a
 * dialog's fade its labels have less contrast than they will have, which failed color-contrast only
 * when the browser was slow enough to be caught mid-fade.
 */
async function animationsSettled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const finite = document
      .getAnimations()
      .filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity);
    const settled = Promise.all(finite.map((animation) => animation.finished.catch(() => undefined)));
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  });
}

/**
 * axe-core over the page as it stands (or one part of it, such as an open dialog): fails with each
 * serious or critical violation, its rule, what it is about and the elements it found.
 */
export async function expectAccessible(page: Page, where: string, include?: string): Promise<void> {
  // Fluent UI's focus manager (tabster) puts aria-hidden sentinels with tabindex 0 around focus
  // groups: focusing one moves the focus on at once, so no one lands on it. axe cannot know that.
  await animationsSettled(page);
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
