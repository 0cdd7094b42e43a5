import { execFile } from 'node:child_process';
import { expect, it } from 'vitest';
import { inFlight } from '../../electron/core/queue/sharedLimits';
import { openPostgres, pgNeed } from '../support/engines';
import { limitsJob, limitsSeed } from '../support/limitsKit';
import { describeWith } from '../support/needs';
import { nodeArgs } from '../support/nodeEntry';

// Issue 16 item 4: the tier's limits hold for a whole team however many worker processes share the
// studio database. Separate processes, each with its own connection pool, admit tasks at the same moment
// against one concurrency limit and one token bucket; together they ask for far more than either allows.
interface WorkerResult {
  concOk: number;
  concRefused: number;
  rateOk: number;
  rateRefused: number;
  firstAt: number;
  lastAt: number;
}

const PROCESSES = 3;
const EACH = 4;

const worker = (url: string, id: number, startAt: number, now: number) =>
  new Promise<WorkerResult>((resolve, reject) => {
    execFile(
      process.execPath,
      [...nodeArgs('test/support/limitsWorker.ts'), url, String(id), String(EACH), String(startAt), String(now)],
      { encoding: 'utf8', timeout: 90_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as WorkerResult)),
    );
  });

describeWith(pgNeed, 'tier limits shared by worker processes on PostgreSQL', () => {
  it(`${PROCESSES} processes × ${EACH} simultaneous admissions: 3 in flight at most, 5 tokens spent exactly`, async () => {
    const { engine, url } = await openPostgres();
    await limitsSeed(engine);
    await limitsJob(engine, 'job_conc', { variations: 16 });
    await limitsJob(engine, 'job_rate', { provider: 'luma', model: 'ray2', variations: 16 });

    const startAt = Date.now() + 4000;
    const results = await Promise.all(Array.from({ length: PROCESSES }, (_, id) => worker(url, id, startAt, 1_790_000_000_000)));
    const overlap = Math.min(...results.map((r) => r.lastAt)) - Math.max(...results.map((r) => r.firstAt));
    console.log(`limit workers ran ${results.map((r) => `${r.firstAt - startAt}–${r.lastAt - startAt} ms`).join(', ')} after the start (overlap ${overlap} ms)`);
    expect(overlap).toBeGreaterThan(0);
    const sum = (k: keyof WorkerResult) => results.reduce((s, r) => s + r[k], 0);
    expect({ concOk: sum('concOk'), concRefused: sum('concRefused'), rateOk: sum('rateOk'), rateRefused: sum('rateRefused') }).toEqual({
      concOk: 3,
      concRefused: PROCESSES * EACH - 3,
      rateOk: 5,
      rateRefused: PROCESSES * EACH - 5,
    });
    expect(await inFlight(engine, 'runway', 'gen4_turbo')).toBe(3);
    expect(await inFlight(engine, 'luma', 'ray2')).toBe(5);
    expect(await engine.get('SELECT fill FROM rate_buckets WHERE provider = ?', ['luma'])).toEqual({ fill: 0 });
  }, 120_000);
});
