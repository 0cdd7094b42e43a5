// npm run bench [name…]: runs bench/<name>.bench.ts files (all by default). Each bench measures its
// subject and a baseline in the same process and prints the ratio; nothing here asserts timings.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import { root } from './electronEnv.mjs';

register();
const dir = join(root, 'bench');
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
if (files.length === 0) {
  console.error(`no benches match ${wanted.join(', ')}; have: ${readdirSync(dir).join(', ')}`);
  process.exit(2);
}
for (const f of files) {
  console.log(`\n━━ ${f.replace('.bench.ts', '')}`);
  const mod = await import(pathToFileURL(join(dir, f)).href);
  await mod.default();
}
