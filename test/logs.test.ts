/**
 * Ecosystem (issue 12, item 15): a terminal a person reads. Requests are logged at debug, one line
 * each (not two info lines per request), and the log format follows LOG_FORMAT or the terminal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/platform/config.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;
const lines: string[] = [];

beforeAll(async () => {
  system = await startTestSystem(
    { LOG_LEVEL: 'debug' },
    { logStream: { write: (line) => lines.push(line) } },
  );
});
afterAll(async () => {
  await system?.stop();
});

describe('request logs', () => {
  it('logs each request once, at debug, with its status and time', async () => {
    await fetch(`${system.url}/healthz?probe=1`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const mentioning = entries.filter((e) => JSON.stringify(e).includes('/healthz?probe=1'));
    expect(mentioning).toHaveLength(1);
    expect(mentioning[0]).toMatchObject({ level: 20, msg: 'request', method: 'GET', status: 200 });
    expect(typeof mentioning[0]!.ms).toBe('number');
  });
});

describe('LOG_FORMAT', () => {
  it('is json when asked, or when stdout is not a terminal; pretty when asked', () => {
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({}).logFormat).toBe(process.stdout.isTTY ? 'pretty' : 'json');
  });
});
