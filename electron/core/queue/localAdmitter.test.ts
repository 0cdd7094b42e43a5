import { expect, it } from 'vitest';
import { openSqlite } from '../../../test/support/engines';
import { admitTask, limitRows, limitsJob, limitsSeed } from '../../../test/support/limitsKit';
import { inFlight, localAdmitter, type AdmitRequest } from './sharedLimits';

// A data dir's only runner (SQLite, QueueLock) keeps the tier's bucket in memory and counts tasks in flight
// from the queue's rows: the same answers as the shared limits, one statement instead of five, and nothing
// written to the shared limit tables.
const T0 = 1_790_000_000_000;
const req = (o: Partial<AdmitRequest> & { jobId?: string; n?: number } = {}): AdmitRequest => {
  const { jobId = 'job_new', n = 0, ...rest } = o;
  return { provider: 'runway', model: 'gen4_turbo', now: T0, perMinute: null, maxConcurrent: null, taskKey: { jobId, n }, ...rest };
};

async function opened() {
  const { engine } = await openSqlite();
  await limitsSeed(engine);
  return engine;
}

it('a bucket of 3 at 60 a minute admits 3 at once, then one a second; a clock stepping back mints nothing', async () => {
  const engine = await opened();
  const admitter = localAdmitter();
  const rate = (now: number, o: Partial<AdmitRequest> = {}) => engine.tx((q) => admitter(q, req({ now, perMinute: 60, burst: 3, ...o })));
  for (let i = 0; i < 3; i++) expect(await rate(T0)).toEqual({ ok: true });
  expect(await rate(T0)).toEqual({ ok: false, reason: 'rate', waitMs: 1000 });
  expect(await rate(T0 + 999)).toEqual({ ok: false, reason: 'rate', waitMs: 1 });
  expect(await rate(T0 + 1000)).toEqual({ ok: true });
  expect(await rate(T0 + 500)).toEqual({ ok: false, reason: 'rate', waitMs: 1000 });
  expect(await rate(T0 + 1000, { provider: 'luma' })).toEqual({ ok: true }); // its own bucket
  // Another runner (a restart) starts with a full bucket of its own.
  expect(await engine.tx((q) => localAdmitter()(q, req({ now: T0 + 1000, perMinute: 60, burst: 3 })))).toEqual({ ok: true });
  expect(await limitRows(engine)).toEqual([]); // nothing shared was written
});

it("counts the model's tasks in flight from the queue's rows and refuses at the limit", async () => {
  const engine = await opened();
  const admitter = localAdmitter();
  await limitsJob(engine, 'job_a', { tasks: ['submitted', 'intent', 'succeeded', 'unknown'] });
  await limitsJob(engine, 'job_new', { variations: 3 });
  const limit3 = (n: number) => admitTask(engine, req({ n, maxConcurrent: 3 }), { admitter });
  expect(await limit3(0)).toEqual({ ok: true });
  expect(await inFlight(engine, 'runway', 'gen4_turbo')).toBe(3);
  expect(await limit3(1)).toEqual({ ok: false, reason: 'concurrency', waitMs: 1000 });
  await engine.run("UPDATE job_tasks SET status = 'succeeded' WHERE job_id = 'job_a' AND n = 0");
  expect(await limit3(1)).toEqual({ ok: true });
  expect(await limitRows(engine)).toEqual([]);
});

it('admissions sharing one group commit take one token each: a burst of 3 admits exactly 3 of 6', async () => {
  const engine = await opened();
  const admitter = localAdmitter();
  await limitsJob(engine, 'job_new', { variations: 6 });
  const all = await Promise.all([0, 1, 2, 3, 4, 5].map((n) => admitTask(engine, req({ n, perMinute: 60, burst: 3, maxConcurrent: 10 }), { admitter })));
  expect(all.filter((r) => r.ok)).toHaveLength(3);
  expect(all.filter((r) => !r.ok)).toEqual(Array(3).fill({ ok: false, reason: 'rate', waitMs: 1000 }));
  expect(await inFlight(engine, 'runway', 'gen4_turbo')).toBe(3);
});

it('a body rolled back after admitting wastes its token and never mints one', async () => {
  const engine = await opened();
  const admitter = localAdmitter();
  const a = req({ perMinute: 60, burst: 1 });
  await expect(
    engine.tx(async (q) => {
      expect(await admitter(q, a)).toEqual({ ok: true });
      throw new Error('the lease was lost');
    }),
  ).rejects.toThrow('lease was lost');
  expect(await engine.tx((q) => admitter(q, a))).toEqual({ ok: false, reason: 'rate', waitMs: 1000 });
});

it('refuses limits that are not whole numbers, naming the field', async () => {
  const engine = await opened();
  await expect(engine.tx((q) => localAdmitter()(q, req({ perMinute: 0 })))).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'perMinute' } });
  await expect(engine.tx((q) => localAdmitter()(q, req({ maxConcurrent: -1 })))).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'maxConcurrent' } });
});
