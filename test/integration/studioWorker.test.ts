import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';
import { needsOn, studioDatabase, testCoreOn } from '../support/coreOn';
import { describeWith } from '../support/needs';
import { submitRequest } from '../support/parsed';
import { tempDir } from '../support/tmp';

// `circletake studio worker`: a separate process running a studio's queue. What the app (or a CLI, or
// another member) submits to the studio database, the worker runs; stopping it hands its jobs back.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function startWorker(databaseUrl: string, dataDir: string): Promise<{ child: ChildProcess; ready: { pid: number; where: string } }> {
  const child = spawn(process.execPath, ['bin/circletake.js', 'studio', 'worker', '--json', '--data-dir', dataDir], {
    env: { ...process.env, CIRCLETAKE_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => void child.kill('SIGKILL'));
  // What the worker says on stderr, for a failure's message (its logs go there).
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-20_000)));
  // Its info and debug log lines left out: what is left (warnings, errors, a stack) leads the message.
  const isRoutine = (line: string) => /^\{"t":"[^"]*","level":"(info|debug)"/.test(line);
  Object.defineProperty(child, 'stderrTail', { get: () => `worker stderr without its info lines: ${stderr.split('\n').filter((l) => l && !isRoutine(l)).join('\n').slice(-3000) || '(nothing)'}` });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, ready: JSON.parse(line) as { pid: number; where: string } }));
    child.once('exit', (code) => reject(new Error(`the worker exited before it started (${code})`)));
  });
}

describeWith(needsOn('postgres'), 'circletake studio worker', () => {
  it('runs the jobs another process submitted to the studio database, and stops cleanly on SIGTERM', async () => {
    const databaseUrl = await studioDatabase();
    const dir = tempDir('ct-worker-');
    cleanups.push(() => dir.cleanup());
    const app = await testCoreOn('postgres', { databaseUrl, dataDir: dir.dir, clock: { now: () => Date.now() } });
    cleanups.push(app.cleanup);
    const submitted = await app.core.queue.submit(
      submitRequest({ params: { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a paper boat on a puddle' }, projectName: 'Worker' }),
    );
    // This process does not run the queue: the job waits for a worker.
    await new Promise((r) => setTimeout(r, 300));
    expect((await app.core.queue.get(submitted.jobId)).status).toBe('queued');

    const { child, ready } = await startWorker(databaseUrl, dir.dir);
    expect(ready.where).not.toContain('@'); // never the password
    let job = await app.core.queue.get(submitted.jobId);
    for (let i = 0; i < 600 && !['succeeded', 'failed'].includes(job.status); i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = await app.core.queue.get(submitted.jobId);
    }
    expect(job).toMatchObject({ status: 'succeeded', capturedCredits: expect.any(Number) });
    expect(await app.core.takes.byJob(submitted.jobId)).toHaveLength(1);
    expect((await app.core.ledger.audit()).ok).toBe(true);

    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code, (child as ChildProcess & { stderrTail: string }).stderrTail).toBe(0);
  });

  it('refuses to start without a studio database, naming the flag', () => {
    const env = { ...process.env };
    delete env.CIRCLETAKE_DATABASE_URL;
    const r = spawnSync(process.execPath, ['bin/circletake.js', 'studio', 'worker'], { encoding: 'utf8', env, timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--database-url is required');
    const bad = spawnSync(process.execPath, ['bin/circletake.js', 'studio', 'worker', '--database-url', 'mysql://x'], { encoding: 'utf8', env, timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('postgres://');
  });
});
