// vitest globalSetup: esbuild bundles of the entry points the suites spawn as processes — the CLI and the test
// workers. The integration suites start them a few hundred times (the chaos soaks restart a worker after every
// SIGKILL), and compiling the sources through tsx on every start costs about 1.2 s of CPU each time; a bundle
// starts in about 0.2 s. It is the same code (npm packages stay external and resolve from the repository's
// node_modules), rebuilt at the start of every run so it cannot go stale.
// - bin/circletake.js loads the CLI's bundle when CIRCLETAKE_CLI_BUNDLE names it;
// - `nodeArgs(entry)` (test/support/nodeEntry.ts) picks a worker's bundle when CIRCLETAKE_TEST_BUNDLES names the folder.
// The forks (Vitest) and workers (Playwright, test/e2e/globalSetup.ts) inherit both variables. test/integration/cli.test.ts also runs the CLI through tsx, so both ways in stay proven.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleDir, bundledEntries } from './nodeEntry';

/** Builds every bundle into out/cli and names them in this process's environment (children and forks inherit it). */
export async function buildTestBundles(): Promise<void> {
  // Chunk names carry a hash: start empty, so chunks of older sources do not pile up.
  rmSync(bundleDir, { recursive: true, force: true });
  await build({
    entryPoints: Object.fromEntries(Object.entries(bundledEntries).map(([name, src]) => [name, join(bundleDir, '..', '..', src)])),
    bundle: true,
    platform: 'node',
    format: 'esm',
    // Shared code in chunks, and a dynamic import() stays lazy: a module only a studio needs (pg) is not loaded by a desktop's command.
    splitting: true,
    target: 'node20',
    packages: 'external',
    outdir: bundleDir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
  process.env.CIRCLETAKE_CLI_BUNDLE = join(bundleDir, 'circletake.mjs');
  process.env.CIRCLETAKE_TEST_BUNDLES = bundleDir;
}

/** vitest globalSetup. */
export default async function setup(): Promise<void> {
  await buildTestBundles();
}
