import { describe, expect, it } from 'vitest';
import { checkSalesUrl } from '../bridge/setup/step-sales-url.js';
import { cliWords } from './cli-words.js';
import { checkLines } from './output.js';

/** The CLI's face of the bridge's fixes: its commands and flags, never the API's fields. */
describe('cliWords', () => {
  it('names the flag where the bridge names the API field (the loopback http refusal)', () => {
    const refused = checkSalesUrl('http://127.0.0.1:3000', false);
    if (refused.ok) throw new Error('http was accepted');
    const printed = checkLines(refused.check).join('\n');
    expect(printed).toContain('--allow-http');
    expect(printed).not.toMatch(/allowHttp|Allow http for a loopback address|tick/);
  });

  it('names commands where the bridge names routes', () => {
    expect(cliWords('Couple them (POST /bridge/coupling/salespeople/auto with createMissing: true).')).toBe(
      'Couple them (`tandem couple salespeople --auto --create-missing`).',
    );
    expect(cliWords('Run the assisted setup (POST /bridge/setup/start).')).toBe(
      'Run the assisted setup (`tandem setup`).',
    );
    expect(
      cliWords('Fix what the reasons say, then enable the connection (POST /bridge/connection/enable).'),
    ).toBe('Fix what the reasons say, then enable the connection (`tandem connection enable`).');
    expect(cliWords('Let setup create EUR in Sales (createIfMissing: true), or add it yourself.')).toBe(
      'Let setup create EUR in Sales (--create-currency), or add it yourself.',
    );
    expect(cliWords('Couple salesperson JR to a Sales user (POST /bridge/coupling/salespeople).')).toContain(
      'tandem couple salespeople --sales-user <upn> --salesperson <code>',
    );
  });

  it('keeps the API’s words for what the CLI has no command for', () => {
    const text = 'Enter the current password of int@contoso.com (POST /bridge/connection/credentials).';
    expect(cliWords(text)).toBe(text);
  });
});
