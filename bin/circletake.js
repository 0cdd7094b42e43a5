#!/usr/bin/env node
// The circletake CLI. Runs the TypeScript sources through tsx so the CLI always matches the code.
// The test run sets CIRCLETAKE_CLI_BUNDLE to a bundle of the same sources built at its start
// (test/support/cliBundle.ts), which starts several times faster: a CommonJS one (.cjs) runs with V8's
// code cache kept beside it (./codeCache.js), an ES module one (.mjs) is imported as it is.
import { pathToFileURL } from 'node:url';

const bundle = process.env.CIRCLETAKE_CLI_BUNDLE;
let main;
if (bundle?.endsWith('.cjs')) {
  ({ main } = (await import('./codeCache.js')).loadWithCodeCache(bundle));
} else if (bundle) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../electron/host/cli.ts'));
}
process.exitCode = await main(process.argv.slice(2));
