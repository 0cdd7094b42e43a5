import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines';
import { named } from '../engine/namedSql';
import { constraintOf } from '../engine/sqlEngine';
import { IN_FLIGHT_COUNT } from '../../queue/sharedLimits';

// Migration 0850 on both engines: the limit tables refuse what no admission writes, and the count of tasks
// in flight (run on every admission) reads the partial index of in-flight rows, not the whole task table.
describeEachEngine('migration 0850 (shared tier limits)', (open) => {
  it('refuses a negative fill or admission count, and one bucket per provider', async () => {
    const engine = await open();
    await engine.run('INSERT INTO rate_buckets (provider, fill, refilled_at) VALUES (?, ?, ?)', ['runway', 0, 1]);
    const refused = async (p: Promise<unknown>) => constraintOf(await p.then(() => null, (e: unknown) => e));
    expect(await refused(engine.run('INSERT INTO rate_buckets (provider, fill, refilled_at) VALUES (?, ?, ?)', ['runway', 5, 1]))).toBe('unique');
    expect(await refused(engine.run('UPDATE rate_buckets SET fill = -1'))).toBe('check');
    await engine.run('INSERT INTO model_slots (provider, model) VALUES (?, ?)', ['runway', 'gen4_turbo']);
    expect(await refused(engine.run('UPDATE model_slots SET admitted = admitted - 1'))).toBe('check');
    expect(await engine.all('SELECT provider, model, admitted, admitted_at FROM model_slots')).toEqual([{ provider: 'runway', model: 'gen4_turbo', admitted: 0, admitted_at: null }]);
  });

  it('counts tasks in flight from the partial index job_tasks_in_flight', async () => {
    const engine = await open();
    const text = named(IN_FLIGHT_COUNT).text;
    const params = ['runway', 'gen4_turbo'];
    const plan =
      engine.name === 'sqlite'
        ? (await engine.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${text}`, params)).map((r) => r.detail).join('\n')
        : await engine.tx(async (q) => {
            await q.exec('SET LOCAL enable_seqscan = off'); // an empty table is cheapest to scan; ask whether the index can serve
            return (await q.all<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, params)).map((r) => r['QUERY PLAN']).join('\n');
          });
    expect(plan).toMatch(/job_tasks_in_flight/);
  });
});
