/**
 * The console's face of a server sentence. The APIs speak to API callers, so their messages may name
 * a route (`POST /bridge/setup/start`), a field (`allowHttp: true`) or a CLI command; the console
 * shows its own pages and buttons instead, so such asides are taken out where the message is shown.
 */
const OTHER_FACE =
  /\b(POST|GET|PATCH|PUT|DELETE) \/|--[a-z]|\btandem [a-z]|^\s*(CLI|API):|\b[a-z]+[A-Z][A-Za-z]*: (true|false)/;

/**
 * A sentence with the other faces' words taken out: of "(console: Bridge → Assisted setup; CLI:
 * tandem setup)" or "(Bridge → Connection, or POST /bridge/…)" only the console's part stays, and an
 * aside that is all API ("(POST /bridge/setup/start)") goes.
 */
export function consoleWords(text: string): string {
  return text.replace(/\s*\(([^()]*)\)/g, (whole, inside: string) => {
    const parts = inside.split(/;\s+|,\s+or\s+/);
    if (!parts.some((part) => OTHER_FACE.test(part))) return whole;
    const kept = parts
      .filter((part) => !OTHER_FACE.test(part))
      .map((part) => part.replace(/^console:\s*/, ''));
    return kept.length ? ` (${kept.join('; ')})` : '';
  });
}
