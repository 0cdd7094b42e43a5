// How a suite starts a TypeScript entry point as a Node process: its bundle from this test run when there is one
// (test/support/cliBundle.ts), otherwise the sources through tsx (a single file run by hand with no global setup).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../electron/host/paths';

/**
 * <root>/out/cli: two levels below the root, like electron/host and test/support, so code that finds the
 * repository from its own location (paths.ts's repoRoot, import.meta.dirname) finds the same root.
 */
export const bundleDir = join(repoRoot, 'out', 'cli');

/** Bundle name → source, from the repository root. */
export const bundledEntries = {
  circletake: 'electron/host/cli.ts',
  queueWorker: 'test/chaos/queueWorker.ts',
  submitter: 'test/chaos/submitter.ts',
  ledgerWorker: 'test/support/ledgerWorker.ts',
  limitsWorker: 'test/support/limitsWorker.ts',
  liveWorker: 'test/support/liveWorker.ts',
  storeMemoryChild: 'test/support/storeMemoryChild.ts',
} as const;

export type BundledEntry = (typeof bundledEntries)[keyof typeof bundledEntries];

/** The arguments for `node …` that run `entry` (a path from the repository root). */
export function nodeArgs(entry: BundledEntry): string[] {
  const dir = process.env.CIRCLETAKE_TEST_BUNDLES;
  const name = Object.entries(bundledEntries).find(([, src]) => src === entry)?.[0];
  const bundle = dir && name ? join(dir, `${name}.mjs`) : null;
  return bundle && existsSync(bundle) ? [bundle] : ['--import', 'tsx', entry];
}
