import { expect, it } from 'vitest';
import { anotherPgEngine, openPostgres, pgNeed } from '../../../test/support/engines';
import { admitTask, limitsJob, limitsSeed } from '../../../test/support/limitsKit';
import { describeWith } from '../../../test/support/needs';
import type { SqlEngine } from '../db/engine/sqlEngine';
import { inFlight, type Admission, type AdmitRequest } from './sharedLimits';

// Workers racing for the same tier on one studio database: separate pooled connections (and a second
// pool, as a second machine would have), each admitting a task and writing its intent row in one
// transaction that stays open a little after the intent (pg_sleep), so the admissions truly overlap.
// Without the row lock every one of them would count the same tasks in flight and be admitted.
const T0 = 1_790_000_000_000;
const CONTENDERS = 8;

const task = (i: number, o: Partial<AdmitRequest>): AdmitRequest => ({
  provider: 'runway',
  model: 'gen4_turbo',
  now: T0,
  perMinute: null,
  maxConcurrent: null,
  taskKey: { jobId: 'job_race', n: i },
  ...o,
});

async function race(engines: SqlEngine[], o: Partial<AdmitRequest>, holdMs = 40, isolation: 'lockRows' | 'serializable' = 'lockRows'): Promise<Admission[]> {
  return Promise.all(
    Array.from({ length: CONTENDERS }, (_, i) => admitTask(engines[i % engines.length]!, task(i, o), { holdMs, tx: { isolation, retries: 30 } })),
  );
}

const counted = (rs: Admission[]) => ({
  ok: rs.filter((r) => r.ok).length,
  rate: rs.filter((r) => !r.ok && r.reason === 'rate').length,
  concurrency: rs.filter((r) => !r.ok && r.reason === 'concurrency').length,
});

describeWith(pgNeed, 'shared tier limits under a race on PostgreSQL', () => {
  it(`${CONTENDERS} workers on two pools admitting at once with a limit of 3 in flight: exactly 3 admitted`, async () => {
    const { engine, url } = await openPostgres();
    await limitsSeed(engine);
    await limitsJob(engine, 'job_race', { variations: CONTENDERS });
    const rs = await race([engine, anotherPgEngine(url)], { maxConcurrent: 3 });
    expect(counted(rs)).toEqual({ ok: 3, rate: 0, concurrency: CONTENDERS - 3 });
    expect(await inFlight(engine, 'runway', 'gen4_turbo')).toBe(3);
  });

  it(`${CONTENDERS} workers at once against a bucket of 5 tokens: exactly 5 admitted, and the bucket is empty`, async () => {
    const { engine, url } = await openPostgres();
    await limitsSeed(engine);
    await limitsJob(engine, 'job_race', { variations: CONTENDERS });
    const rs = await race([engine, anotherPgEngine(url)], { perMinute: 1, burst: 5 });
    expect(counted(rs)).toEqual({ ok: 5, rate: CONTENDERS - 5, concurrency: 0 });
    expect(await engine.get('SELECT fill FROM rate_buckets WHERE provider = ?', ['runway'])).toEqual({ fill: 0 });
  });

  it('both limits at once, for two models: each model gets its slots and the bucket is shared', async () => {
    const { engine, url } = await openPostgres();
    await limitsSeed(engine);
    await limitsJob(engine, 'job_race', { variations: CONTENDERS });
    await limitsJob(engine, 'job_race_b', { model: 'gen4_aleph', variations: CONTENDERS });
    const other = anotherPgEngine(url);
    const limits = { perMinute: 1, burst: 6, maxConcurrent: 2 };
    const rs = await Promise.all(
      Array.from({ length: CONTENDERS }, (_, i) =>
        admitTask(i % 2 ? other : engine, task(i, { ...limits, ...(i % 2 ? { model: 'gen4_aleph', taskKey: { jobId: 'job_race_b', n: i } } : {}) }), { holdMs: 40 }),
      ),
    );
    expect(counted(rs).ok).toBe(4);
    expect(await inFlight(engine, 'runway', 'gen4_turbo')).toBe(2);
    expect(await inFlight(engine, 'runway', 'gen4_aleph')).toBe(2);
    expect(await engine.get('SELECT fill FROM rate_buckets WHERE provider = ?', ['runway'])).toEqual({ fill: 2 * 60_000 });
  });

  it('under SERIALIZABLE the same race admits exactly 3 too (the losers run again)', async () => {
    const { engine } = await openPostgres();
    await limitsSeed(engine);
    await limitsJob(engine, 'job_race', { variations: CONTENDERS });
    const rs = await race([engine], { maxConcurrent: 3 }, 10, 'serializable');
    expect(counted(rs)).toEqual({ ok: 3, rate: 0, concurrency: CONTENDERS - 3 });
    expect(await inFlight(engine, 'runway', 'gen4_turbo')).toBe(3);
    expect(engine.stats.serializationRetries).toBeGreaterThan(0);
  });
});
