import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { stageOnWorker as StageOnWorker } from '../src/directory/import-staging-thread.js';
import { M365_HEADER } from '../src/directory/user-fields.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILT = path.join(ROOT, 'dist', 'directory');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * The compiled staging worker, as `npm start` runs it: the rest of the suite runs the TypeScript
 * sources, whose worker is loaded through tsx. CI builds before testing; a stale or missing build is
 * rebuilt here (the server code only, ~15 s).
 */
describe('the built import staging worker', () => {
  beforeAll(() => {
    const worker = path.join(BUILT, 'import-staging-worker.js');
    const fresh =
      fs.existsSync(worker) && fs.statSync(worker).mtimeMs >= newestSource(path.join(ROOT, 'src'));
    if (!fresh) {
      execFileSync(
        process.execPath,
        [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
        {
          cwd: ROOT,
          stdio: 'inherit',
        },
      );
    }
  }, 120_000);

  it('stages an upload on a worker started from dist/', async () => {
    const { stageOnWorker } = (await import(
      pathToFileURL(path.join(BUILT, 'import-staging-thread.js')).href
    )) as { stageOnWorker: typeof StageOnWorker };
    const csv = [M365_HEADER.join(','), 'a@contoso.com,A,B,A B,,,,,,,,,,,,United States'].join('\n');
    const kinds: string[] = [];
    let rows = 0;
    for await (const event of stageOnWorker([csv], {
      importId: '0193b0c2-7f00-7000-8000-000000000001',
      verifiedDomains: ['contoso.com'],
      passwords: { seed: new Uint8Array(32), hashKey: new Uint8Array(32) },
    })) {
      kinds.push(event.kind);
      if (event.kind === 'batch') rows += event.rows;
    }
    expect(kinds).toEqual(['layout', 'batch']);
    expect(rows).toBe(1);

    const refused = await (async () => {
      for await (const _ of stageOnWorker(['Not,A,Header\n'], {
        importId: '0193b0c2-7f00-7000-8000-000000000002',
        verifiedDomains: ['contoso.com'],
        passwords: null,
      }));
    })().catch((error: unknown) => error as { code?: string });
    expect(refused).toMatchObject({ code: 'InvalidCsv' });
  });
});
