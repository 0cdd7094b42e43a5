import { afterEach, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/core';
import { describeEachEngine } from '../../../test/support/engines';
import { CoreEvents } from '../coreEvents';
import type { SqlEngine } from '../db/engine/sqlEngine';
import { silentLogger } from '../nodePorts';
import { ProjectSpendNotices } from './projectSpendNotices';

const AT = '2026-11-01T10:00:00.000Z';
const disposers: (() => void)[] = [];
afterEach(() => {
  for (const d of disposers.splice(0)) d();
});

async function setup(engine: SqlEngine) {
  await engine.tx(async (q) => {
    await q.run('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)', ['prj_a', 'Spot', AT, AT]);
    for (const [id, pool, kind] of [['sys:spend', null, 'system'], ['sys:refunds', null, 'system'], ['local:grant', 'local', 'grant']] as const) {
      await q.run('INSERT INTO ledger_accounts (id, pool, surface, kind, may_go_negative, created_at) VALUES (?, ?, ?, ?, 1, ?)', [id, pool, pool, kind, AT]);
    }
  });
  let n = 0;
  /** A posted capture (or a refund, negative) of the project's, as the ledger writes it. */
  const post = (credits: number) =>
    engine.tx(async (q) => {
      const id = `op_${++n}`;
      const refund = credits < 0;
      await q.run(`INSERT INTO ledger_ops (id, kind, request, result, project_id, created_at, day) VALUES (?, ?, '{}', '{}', 'prj_a', ?, '2026-11-01')`, [id, refund ? 'refund' : 'capture', AT]);
      await q.run(`INSERT INTO ledger_entries (id, op_id, debit_account, credit_account, amount, created_at, day) VALUES (?, ?, ?, ?, ?, ?, '2026-11-01')`, [
        `ent_${n}`, id, refund ? 'sys:refunds' : 'local:grant', refund ? 'local:grant' : 'sys:spend', Math.abs(credits), AT,
      ]);
    });
  const events = new CoreEvents(silentLogger, true);
  const notices: string[] = [];
  const crossed: unknown[] = [];
  events.subscribe((name, p) => name === 'insight.thresholdCrossed' && crossed.push(p));
  const spend = new ProjectSpendNotices({ engine, events, notifier: { notify: (t, b) => notices.push(`${t}: ${b}`) }, clock: new FakeClock(), logger: silentLogger });
  disposers.push(() => spend.dispose(), () => events.dispose());
  return { post, spend, notices, crossed };
}

describeEachEngine('ProjectSpendNotices on the engine port', (open) => {
  it('notifies once per crossing, re-arms below, and records crossings already behind the spend silently', async () => {
    const engine = await open();
    const { post, spend, notices, crossed } = await setup(engine);
    await post(60);
    expect(await spend.set('prj_a', [100, 50, 50])).toEqual({ projectId: 'prj_a', projectName: 'Spot', thresholds: [50, 100], source: 'set', spent: 60, crossed: [50] });
    await post(45);
    expect(await spend.check('prj_a')).toEqual([100]);
    expect(await spend.check('prj_a')).toEqual([]);
    expect(notices).toEqual(['Project spend: Project "Spot" has spent 105 credits, past its 100 threshold.']);
    await post(-10);
    expect(await spend.check('prj_a')).toEqual([]);
    expect(await spend.view('prj_a')).toMatchObject({ spent: 95, crossed: [50] });
    await post(6);
    expect(await spend.check('prj_a')).toEqual([100]);
    expect(crossed).toEqual([
      { projectId: 'prj_a', projectName: 'Spot', threshold: 100, spent: 105 },
      { projectId: 'prj_a', projectName: 'Spot', threshold: 100, spent: 101 },
    ]);
    expect(await engine.get('SELECT crossings FROM project_spend_crossings WHERE project_id = ? AND threshold = 100', ['prj_a'])).toEqual({ crossings: 2 });
  });

  it('falls back to shares of the budget, forgets the crossings of thresholds no longer in force, and names a missing project', async () => {
    const engine = await open();
    const { post, spend } = await setup(engine);
    await post(90);
    await spend.set('prj_a', [50]);
    expect(await spend.list()).toMatchObject([{ thresholds: [50], crossed: [50], source: 'set' }]);
    await engine.run('INSERT INTO money_budgets (project_id, credits, updated_at) VALUES (?, ?, ?)', ['prj_a', 150, AT]);
    expect(await spend.set('prj_a', [])).toMatchObject({ thresholds: [75, 120, 150], source: 'budget', crossed: [75] });
    expect((await engine.all<{ threshold: number }>('SELECT threshold FROM project_spend_crossings ORDER BY threshold')).map((r) => r.threshold)).toEqual([75]);
    await expect(spend.set('prj_missing', [10])).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'projectId' } });
  });
});
