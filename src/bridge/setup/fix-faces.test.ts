import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSalesUrl } from './step-sales-url.js';

/**
 * The API's face: the bridge's fixes and messages name API routes and fields, never a console page
 * ("Bridge → …") or a CLI command or flag. The console (web/src/api/console-words.ts,
 * web/src/areas/bridge/console-fixes.ts) and the CLI (src/cli/cli-words.ts) say them in their own
 * words where they show them.
 */
describe('the bridge speaks the API’s words', () => {
  it('names the API field in the loopback http refusal', () => {
    const refused = checkSalesUrl('http://127.0.0.1:3000', false);
    if (refused.ok) throw new Error('http was accepted');
    expect(refused.check.fix).toContain('allowHttp: true');
    expect(refused.check.fix).not.toMatch(/--allow-http|tick/i);
  });

  it('has no console page or CLI command in any sentence of src/bridge', () => {
    const root = join(import.meta.dirname, '..');
    const files = (readdirSync(root, { recursive: true }) as string[]).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    );
    const offenders: string[] = [];
    for (const file of files) {
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/^\s*(\*|\/\/|\/\*)/.test(line)) return; // comments may say anything
          if (
            /(Bridge|Directory) → |Sales → Users|\bconsole: |\bCLI: |`?tandem [a-z]+|--(allow|create|auto)\b/.test(
              line,
            )
          )
            offenders.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
