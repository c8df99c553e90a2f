/**
 * Log lines a person reads: when stdout is a terminal, each of pino's JSON lines is written as
 * `12:04:31 INFO  message  key=value …` instead (LOG_FORMAT=json keeps JSON; anything that is not a
 * terminal — a file, a pipe, a log collector — gets JSON).
 */
const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
const OMITTED = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'v']);

function value(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** One JSON log line as a readable line (unparseable input is passed through). */
export function humanLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 19) : '';
  const level = LEVELS[Number(entry.level)] ?? String(entry.level);
  const err = entry.err as { message?: string; stack?: string } | undefined;
  const extras = Object.entries(entry)
    .filter(([k]) => !OMITTED.has(k) && k !== 'err')
    .map(([k, v]) => `${k}=${value(v)}`)
    .join(' ');
  let out = `${time} ${level} ${String(entry.msg ?? '')}${extras ? `  ${extras}` : ''}\n`;
  if (err) out += `  ${(err.stack || err.message || '').replace(/\n/g, '\n  ')}\n`;
  return out;
}

/** Where the server logs: readable lines on a terminal unless `format` is 'json'. */
export function logDestination(
  format: 'pretty' | 'json',
  out: { write(text: string): unknown } = process.stdout,
): { write(line: string): unknown } | undefined {
  if (format === 'json') return undefined;
  return { write: (line: string) => out.write(humanLogLine(line)) };
}
