import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';

// The test runner's exit code is what CI believes. A run with a failing test, loading the same
// globalSetup as the suite (which starts PostgreSQL through a library that hooks process exit), must
// exit non-zero.
it('a vitest run with a failing test exits non-zero, PostgreSQL setup and all', async () => {
  const code = await new Promise<number | null>((done) => {
    const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/support/fixtures/failing.vitest.config.ts'], {
      stdio: 'ignore',
      env: { ...process.env, CI: '' },
    });
    child.on('close', done);
  });
  expect(code).toBe(1);
});
