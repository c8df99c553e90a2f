// Copies non-TypeScript assets the built server needs into dist/ (static pages of the console).
import fs from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
for (const rel of ['src/console-static']) {
  const from = path.join(root, rel);
  if (!fs.existsSync(from)) continue;
  const to = path.join(root, 'dist', path.relative(path.join(root, 'src'), from));
  fs.cpSync(from, to, { recursive: true });
}
