import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines';
import { benchmarkRepo } from './benchmarkRepo';

const run = (id: string, now: number) => ({ id, provider: 'local', plan: 'local-sim', model: 'gen4_turbo', day: '2026-11-01', json: JSON.stringify({ id }), file: `/tmp/${id}.json`, now });

describeEachEngine('benchmark runs SQL', (open) => {
  it('lists runs newest first and marks a run applied once', async () => {
    const engine = await open();
    await engine.tx(async (q) => {
      await benchmarkRepo.insert(q, run('bench_a', 1000));
      await benchmarkRepo.insert(q, run('bench_b', 2000));
    });
    expect((await benchmarkRepo.all(engine)).map((r) => JSON.parse(r.report_json) as { id: string })).toEqual([{ id: 'bench_b' }, { id: 'bench_a' }]);
    await benchmarkRepo.markApplied(engine, 'bench_a', 3000, '/tmp/plan.yaml');
    await benchmarkRepo.markApplied(engine, 'bench_a', 4000, '/tmp/other.yaml');
    expect(await benchmarkRepo.one(engine, 'bench_a')).toEqual({ report_json: JSON.stringify({ id: 'bench_a' }), applied_at: 3000 });
    expect(await benchmarkRepo.one(engine, 'bench_missing')).toBeUndefined();
    expect(await benchmarkRepo.attempts(engine, 'job_none')).toEqual([]);
  });
});
