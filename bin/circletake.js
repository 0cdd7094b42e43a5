#!/usr/bin/env node
// The circletake CLI. Runs the TypeScript sources through tsx so the CLI always matches the code.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/host/cli.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
