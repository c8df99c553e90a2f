/**
 * The CLI's face of a server sentence. The bridge's fixes speak to API callers: they name routes and
 * fields (`POST /bridge/setup/start`, `allowHttp: true`). Where the CLI does the same with a command
 * or a flag, the CLI says that instead, here where it prints the message; what only the API (or the
 * console) can do keeps the API's words, which a script can follow.
 */
const CLI_WORDS: Array<[RegExp, string]> = [
  [
    /POST \/bridge\/coupling\/salespeople\/auto with createMissing: true/g,
    '`tandem couple salespeople --auto --create-missing`',
  ],
  [/POST \/bridge\/coupling\/salespeople\/auto\b/g, '`tandem couple salespeople --auto`'],
  [
    /POST \/bridge\/coupling\/salespeople\b/g,
    '`tandem couple salespeople --sales-user <upn> --salesperson <code>`',
  ],
  [/POST \/bridge\/setup\/start\b/g, '`tandem setup`'],
  [/POST \/bridge\/connection\/enable\b/g, '`tandem connection enable`'],
  [/POST \/bridge\/connection\/disable\b/g, '`tandem connection disable --reason <text>`'],
  [/POST \/bridge\/connection\/test\b/g, '`tandem connection test`'],
  [/GET \/bridge\/sync\/errors\b/g, '`tandem sync errors`'],
  [/GET \/bridge\/doctor\b/g, '`tandem doctor`'],
  [/\ballowHttp: true\b/g, '--allow-http'],
  [/\bcreateIfMissing: true\b/g, '--create-currency'],
];

/** A server sentence in the CLI's words: API routes and fields the CLI has a command or flag for, replaced. */
export function cliWords(text: string): string {
  let result = text;
  for (const [api, cli] of CLI_WORDS) result = result.replace(api, cli);
  return result;
}
