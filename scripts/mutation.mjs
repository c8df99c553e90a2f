// Runs Stryker over each mutation-testing target in turn (docs/testing.md), niced: the machine is
// shared. `node scripts/mutation.mjs [target...] [-- stryker options]`; no target runs them all.
import { spawnSync } from 'node:child_process';
import { targets } from '../stryker.config.mjs';

const args = process.argv.slice(2);
const split = args.indexOf('--');
const names = split === -1 ? args : args.slice(0, split);
const strykerArgs = split === -1 ? [] : args.slice(split + 1);
for (const name of names) {
  if (!(name in targets)) {
    console.error(`No mutation target "${name}". Targets: ${Object.keys(targets).join(', ')}`);
    process.exit(2);
  }
}
let failed = false;
for (const name of names.length > 0 ? names : Object.keys(targets)) {
  console.log(`\n== ${name} ==`);
  const run = spawnSync('nice', ['-n', '10', 'npx', 'stryker', 'run', ...strykerArgs], {
    stdio: 'inherit',
    env: { ...process.env, MUTATION_TARGET: name },
  });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
