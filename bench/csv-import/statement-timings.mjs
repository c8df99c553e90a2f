// Statement timings for the benchmark (BENCH_STATEMENTS=1): wraps drizzle's prepared-query classes of
// both drivers, so every statement the server runs is timed where it is sent. Prints the slowest
// statements (total time per statement text, calls) after the run. Timings include the wait for the
// driver (on PGlite the one JavaScript thread), so they are wall-clock time, not database CPU time.
const stats = new Map();

function wrap(proto, method) {
  const original = proto[method];
  proto[method] = async function (...args) {
    const started = performance.now();
    try {
      return await original.apply(this, args);
    } finally {
      const ms = performance.now() - started;
      const key = this.queryString.replace(/\s+/g, ' ').trim();
      const entry = stats.get(key) ?? { ms: 0, calls: 0, max: 0 };
      entry.ms += ms;
      entry.calls++;
      entry.max = Math.max(entry.max, ms);
      stats.set(key, entry);
    }
  };
}

export async function installStatementTimings() {
  const pglite = await import('drizzle-orm/pglite/session');
  const pg = await import('drizzle-orm/node-postgres/session');
  for (const proto of [pglite.PglitePreparedQuery.prototype, pg.NodePgPreparedQuery.prototype]) {
    wrap(proto, 'execute');
    wrap(proto, 'all');
  }
}

/** Marks a phase: the statements run since the previous mark are printed under its name. */
export function statementReport(phase, top = 12) {
  const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
  stats.clear();
  const total = rows.reduce((s, [, e]) => s + e.ms, 0);
  console.log(`  statements in ${phase}: ${rows.length} distinct, ${(total / 1000).toFixed(2)} s in all`);
  for (const [key, e] of rows.slice(0, top)) {
    console.log(
      `    ${(e.ms / 1000).toFixed(3).padStart(7)} s ${String(e.calls).padStart(5)}× (max ${(e.max / 1000).toFixed(3)} s)  ${key.slice(0, 160)}`,
    );
  }
}
