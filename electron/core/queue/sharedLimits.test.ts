import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../test/support/engines';
import { admitTask, limitRows, limitsJob, limitsSeed, writeIntent } from '../../../test/support/limitsKit';
import type { SqlEngine } from '../db/engine/sqlEngine';
import { admissions, admit, bucketView, inFlight, refill, tierLimits, TOKEN, type AdmitRequest } from './sharedLimits';

// The tier's limits kept in the database (migration 0850) on both engines: the bucket refills by a test
// clock's time, the concurrency limit counts the queue's own task rows, and a refusal writes nothing.
// The races between workers (pooled connections, processes) are in sharedLimitsRace.test.ts and
// test/integration/shared-limits.test.ts.
const T0 = 1_790_000_000_000;

const req = ({ jobId = 'job_new', n = 0, ...o }: Partial<AdmitRequest> & { jobId?: string; n?: number } = {}): AdmitRequest => ({
  provider: 'runway',
  model: 'gen4_turbo',
  now: T0,
  perMinute: null,
  maxConcurrent: null,
  taskKey: { jobId, n },
  ...o,
});

async function opened(open: () => Promise<SqlEngine>): Promise<SqlEngine> {
  const engine = await open();
  await limitsSeed(engine);
  return engine;
}

const rateOnly = (engine: SqlEngine, now: number, o: Partial<AdmitRequest> = {}) => engine.tx((q) => admit(q, req({ now, perMinute: 60, burst: 3, ...o })), { isolation: 'lockRows' });

describeEachEngine('shared tier limits', (open) => {
  it('a bucket of 3 at 60 a minute admits 3 at once, then one a second, and never holds more than 3', async () => {
    const engine = await opened(open);
    for (let i = 0; i < 3; i++) expect(await rateOnly(engine, T0)).toEqual({ ok: true });
    expect(await rateOnly(engine, T0)).toEqual({ ok: false, reason: 'rate', waitMs: 1000 });
    expect(await rateOnly(engine, T0 + 999)).toEqual({ ok: false, reason: 'rate', waitMs: 1 });
    expect(await rateOnly(engine, T0 + 1000)).toEqual({ ok: true });
    expect(await rateOnly(engine, T0 + 1000)).toEqual({ ok: false, reason: 'rate', waitMs: 1000 });
    expect(await engine.tx((q) => bucketView(q, { provider: 'runway', now: T0 + 2500, perMinute: 60, burst: 3 }))).toEqual({ tokens: 1, capacity: 3 });

    const later = T0 + 3_600_000; // an hour idle refills to the burst, not to 60 tokens
    for (let i = 0; i < 3; i++) expect(await rateOnly(engine, later)).toEqual({ ok: true });
    expect(await rateOnly(engine, later)).toMatchObject({ ok: false, reason: 'rate' });
    // A clock that steps back mints nothing.
    expect(await rateOnly(engine, later - 60_000)).toMatchObject({ ok: false, reason: 'rate', waitMs: 1000 });
    // Another provider has its own bucket.
    expect(await rateOnly(engine, later, { provider: 'luma' })).toEqual({ ok: true });
  });

  it('refills exactly at a rate that does not divide a second, however often it is asked', async () => {
    const engine = await opened(open);
    const at7 = (now: number) => rateOnly(engine, now, { perMinute: 7, burst: 2 });
    expect(await at7(T0)).toEqual({ ok: true });
    expect(await at7(T0)).toEqual({ ok: true });
    // One token per 60,000/7 = 8,571.43 ms: due at T0 + 8,572. Asked every 53 ms, each refusal says exactly when.
    let t = T0;
    for (let r = await at7(t); !r.ok; r = await at7((t += 53))) expect(t + r.waitMs).toBe(T0 + 8572);
    expect(t).toBe(T0 + 53 * Math.ceil(8572 / 53));
    // The k-th token after the burst is due at ceil(k × 60,000 / 7) ms: no time lost to rounding or to the
    // many refusals, so 7 tokens in exactly 60 s.
    let last = t;
    for (let k = 2; k <= 7; k++) {
      const due = T0 + Math.ceil((k * 60_000) / 7);
      expect(await at7(due - 1)).toEqual({ ok: false, reason: 'rate', waitMs: 1 });
      expect(await at7(due)).toEqual({ ok: true });
      last = due;
    }
    expect(last).toBe(T0 + 60_000);
  });

  it("counts the model's tasks in flight on every worker's rows, and refuses at the limit", async () => {
    const engine = await opened(open);
    await limitsJob(engine, 'job_a', { tasks: ['submitted', 'intent', 'succeeded', 'failed', 'pending', 'unknown', 'cancelled'] });
    await limitsJob(engine, 'job_other_model', { model: 'gen4_aleph', tasks: ['submitted', 'submitted'] });
    await limitsJob(engine, 'job_other_provider', { provider: 'luma', tasks: ['intent'] });
    await limitsJob(engine, 'job_new', { variations: 3 });
    await limitsJob(engine, 'job_new_aleph', { model: 'gen4_aleph' });
    expect(await inFlight(engine, 'runway', 'gen4_turbo')).toBe(2);
    expect(await inFlight(engine, 'runway', 'gen4_aleph')).toBe(2);

    const limit3 = (n: number, o: Partial<AdmitRequest> & { jobId?: string } = {}) => admitTask(engine, req({ n, maxConcurrent: 3, ...o }));
    expect(await limit3(0)).toEqual({ ok: true });
    expect(await inFlight(engine, 'runway', 'gen4_turbo')).toBe(3);
    expect(await limit3(1)).toEqual({ ok: false, reason: 'concurrency', waitMs: 1000 });
    expect(await limit3(1, { retryMs: 250 })).toEqual({ ok: false, reason: 'concurrency', waitMs: 250 });
    expect(await limit3(0, { model: 'gen4_aleph', jobId: 'job_new_aleph' })).toEqual({ ok: true }); // 2 of that model in flight, now 3

    await engine.run("UPDATE job_tasks SET status = 'succeeded' WHERE job_id = 'job_a' AND n = 0");
    expect(await limit3(2)).toEqual({ ok: true });
    expect((await engine.tx((q) => admissions(q))).map((a) => [a.model, a.admitted])).toEqual([
      ['gen4_aleph', 1],
      ['gen4_turbo', 2],
    ]);
  });

  it('does not count the task being admitted when its intent row is already written', async () => {
    const engine = await opened(open);
    await limitsJob(engine, 'job_a', { tasks: ['submitted'], variations: 3 });
    await engine.tx((q) => writeIntent(q, { jobId: 'job_a', n: 1 }, T0));
    const admitWritten = () => engine.tx((q) => admit(q, req({ jobId: 'job_a', n: 1, maxConcurrent: 2 })));
    expect(await admitWritten()).toEqual({ ok: true });
    expect(await engine.tx((q) => admit(q, req({ jobId: 'job_a', n: 2, maxConcurrent: 2 })))).toMatchObject({ ok: false, reason: 'concurrency' });
  });

  it('a refusal writes nothing: no token is taken when the concurrency refuses, and the rows stay as they were', async () => {
    const engine = await opened(open);
    await limitsJob(engine, 'job_a', { tasks: ['submitted'] });
    await limitsJob(engine, 'job_new', { variations: 4 });
    const both = (n: number, now = T0) => admitTask(engine, req({ n, now, perMinute: 60, burst: 2, maxConcurrent: 2 }));
    expect(await both(0)).toEqual({ ok: true });
    const before = await limitRows(engine);
    expect(await both(1)).toMatchObject({ ok: false, reason: 'concurrency' });
    expect(await both(1)).toMatchObject({ ok: false, reason: 'concurrency' });
    expect(await limitRows(engine)).toEqual(before);

    await engine.run("UPDATE job_tasks SET status = 'succeeded' WHERE job_id = 'job_a'");
    expect(await both(1)).toEqual({ ok: true }); // the bucket's second token was still there
    expect(await both(2)).toMatchObject({ ok: false, reason: 'rate', waitMs: 1000 });
    const drained = await limitRows(engine);
    expect(await both(2)).toMatchObject({ ok: false, reason: 'rate' });
    expect(await limitRows(engine)).toEqual(drained);
  });

  it("rolls back with the caller's transaction", async () => {
    const engine = await opened(open);
    await limitsJob(engine, 'job_new', { variations: 2 });
    const a = req({ perMinute: 60, burst: 1, maxConcurrent: 1 });
    await expect(
      engine.tx(async (q) => {
        expect(await admit(q, a)).toEqual({ ok: true });
        await writeIntent(q, a.taskKey, T0);
        throw new Error('the provider call could not be prepared');
      }),
    ).rejects.toThrow('could not be prepared');
    expect(await inFlight(engine, 'runway', 'gen4_turbo')).toBe(0);
    expect(await admitTask(engine, a)).toEqual({ ok: true }); // the token and the slot are both still there
  });

  it('refuses limits that are not whole numbers, naming the field', async () => {
    const engine = await opened(open);
    const bad = (o: Partial<AdmitRequest>) => engine.tx((q) => admit(q, req(o)));
    await expect(bad({ perMinute: 0 })).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'perMinute' } });
    await expect(bad({ perMinute: 60, burst: 0.5 })).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'burst' } });
    await expect(bad({ maxConcurrent: 1.5 })).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/maxConcurrent/) });
    await expect(bad({ maxConcurrent: -1 })).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'maxConcurrent' } });
    await expect(bad({ model: '' })).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'model' } });
    expect(await limitRows(engine)).toEqual([]);
  });

  it('a model the provider allows none of (limit 0) is refused and admits nothing', async () => {
    const engine = await opened(open);
    await limitsJob(engine, 'job_new');
    expect(await admitTask(engine, req({ maxConcurrent: 0 }))).toEqual({ ok: false, reason: 'concurrency', waitMs: 1000 });
    expect(await inFlight(engine, 'runway', 'gen4_turbo')).toBe(0);
    // The model's first admission makes its (empty) slot row to lock; a refusal admits nothing in it.
    expect(await limitRows(engine)).toEqual([{ provider: 'runway', model: 'gen4_turbo', admitted: 0, admitted_at: null }]);
  });
});

it("takes the plan's rate and the lower of its concurrency and the provider's reported limit for the model", () => {
  const plan = { rate_limits: { requests_per_minute: 60, burst: 5, backoff: { initial_ms: 1, max_ms: 2, jitter: true, max_retries: 1 } }, concurrency: { start: 2, max: 4, raise_when_p95_below_minutes: 3, raise_after_minutes: 30, drop_when_p95_above_minutes: 10 } };
  expect(tierLimits(plan)).toEqual({ perMinute: 60, burst: 5, maxConcurrent: 4 });
  expect(tierLimits(plan, 2)).toEqual({ perMinute: 60, burst: 5, maxConcurrent: 2 });
  expect(tierLimits(plan, 10)).toMatchObject({ maxConcurrent: 4 });
  expect(tierLimits(plan, 0)).toMatchObject({ maxConcurrent: 0 });
  expect(tierLimits({ ...plan, rate_limits: { ...plan.rate_limits, requests_per_minute: null } })).toMatchObject({ perMinute: null });
});

it('refill stays within the safe integers for a bucket idle for years', () => {
  expect(refill({ fill: 0, refilledAt: 0 }, T0, 10_000, 1000)).toEqual({ fill: 1000 * TOKEN, refilledAt: T0 });
  expect(refill({ fill: 5, refilledAt: T0 }, T0 + 1, 7, 1)).toEqual({ fill: 12, refilledAt: T0 + 1 });
});
