// No suite passes by skipping under CI=true: a suite whose tool is missing fails naming the tool; outside CI
// it skips with one line and is written to the skip log `npm test` counts. Runs a fixture through a real Vitest.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';

const root = resolve(__dirname, '../..');
let tmp: { dir: string; cleanup(): void } | undefined;
afterEach(() => tmp?.cleanup());

function runFixture(ci: boolean): { status: number | null; out: string; skipLog: string[] } {
  tmp = tempDir('ct-needs-');
  const config = join(tmp.dir, 'vitest.config.mjs');
  writeFileSync(config, `export default { test: { root: ${JSON.stringify(root)}, include: ['test/support/fixtures/needsFixture.ts'], pool: 'forks' } };\n`);
  const skipLog = join(tmp.dir, 'skips');
  mkdirSync(skipLog);
  const env: NodeJS.ProcessEnv = { ...process.env, CIRCLETAKE_SKIP_LOG: skipLog, FORCE_COLOR: '0', CI: ci ? 'true' : '' };
  delete env.VITEST;
  delete env.VITEST_WORKER_ID;
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', config], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  const lines = readdirSync(skipLog).flatMap((f) => readFileSync(join(skipLog, f), 'utf8').split('\n').filter(Boolean));
  return { status: r.status, out: `${r.stdout}\n${r.stderr}`, skipLog: lines };
}

describe('suites that need a tool', () => {
  it('under CI=true a missing tool fails the run, naming the tool; a need CI may lack still skips with its reason', () => {
    const r = runFixture(true);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/frobnicator not found, and under CI=true a suite may not skip: needs frobnicator \(apt-get install frobnicator\)/);
    expect(r.skipLog).toEqual([expect.stringMatching(/needsFixture\.ts › may skip even in CI: needs a LAN card — some machines have loopback only$/)]);
  });

  it('outside CI the suite skips with one line each, written to the skip log npm test counts', () => {
    const r = runFixture(false);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/SKIPPED test\/support\/fixtures\/needsFixture\.ts › needs a missing tool: needs frobnicator/);
    expect(r.skipLog).toHaveLength(2);
    expect(r.out).toMatch(/1 passed/);
  });
});
