import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, testCore } from '../../../../test/support/core';
import * as m0800 from './0800-create-ledger-spend';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('0800 create-ledger-spend', () => {
  it('is version 800', async () => {
    expect(m0800.version).toBe(800);
  });

  it('summarizes books written before it exactly as the running totals would have', async () => {
    const clock = new FakeClock(Date.parse('2026-11-30T10:00:00Z'));
    const t = testCore({ clock });
    cleanups.push(t.cleanup);
    const { ledger, db } = t.core;
    await ledger.grant({ id: 'g', pool: 'local:grant', credits: 500 });
    await ledger.reserve({ id: 'r1', jobId: 'j1', projectId: 'prj_a', userId: 'ana', stage: 'generate', artifactClass: 'preview', amounts: { local: 40 } });
    await ledger.reserve({ id: 'r2', jobId: 'j2', projectId: 'prj_a', stage: 'generate', artifactClass: 'preview', amounts: { local: 30 } });
    await ledger.reserve({ id: 'r3', jobId: 'j3', projectId: 'prj_b', userId: 'ana', stage: 'generate', artifactClass: 'preview', amounts: { local: 20 } });
    clock.advance(2 * 86_400_000); // into December: a hold from November captured in December
    await ledger.capture('r1', 25);
    await ledger.void('r2', 'cancelled');
    const kept = db.conn.prepare('SELECT * FROM ledger_spend WHERE held <> 0 OR posted <> 0 ORDER BY scope, key, period').all();
    expect(kept).toContainEqual({ scope: 'pool', key: 'local:grant', period: '2026-11-30', held: 20, posted: 0 });
    expect(kept).toContainEqual({ scope: 'pool', key: 'local:grant', period: '2026-12-02', held: 0, posted: 25 });
    expect(kept).toContainEqual({ scope: 'user', key: 'ana', period: 'all', held: 20, posted: 25 });
    expect(kept).toContainEqual({ scope: 'project', key: 'prj_a', period: 'all', held: 0, posted: 25 });

    db.conn.exec('DROP TABLE ledger_spend');
    m0800.up(db.conn);
    expect(db.conn.prepare('SELECT * FROM ledger_spend ORDER BY scope, key, period').all()).toEqual(kept);
    expect((await ledger.audit()).problems).toEqual([]);
    expect(() => db.conn.prepare("INSERT INTO ledger_spend VALUES ('pool', 'x', 'all', -1, 0)").run()).toThrow(/CHECK/);
    expect(() => db.conn.prepare("INSERT INTO ledger_spend VALUES ('pool', 'x', 'yesterday', 0, 0)").run()).toThrow(/CHECK/);
  });

  it('a running total that disagrees with the entries fails the audit, naming the row', async () => {
    const t = testCore();
    cleanups.push(t.cleanup);
    await t.core.ledger.grant({ id: 'g', pool: 'local:grant', credits: 100 });
    await t.core.ledger.reserve({ id: 'r1', jobId: 'j1', projectId: 'prj_a', stage: 'generate', artifactClass: 'preview', amounts: { local: 40 } });
    t.core.db.conn.exec("UPDATE ledger_spend SET held = 0 WHERE scope = 'project'");
    const audit = await t.core.ledger.audit();
    expect(audit.ok).toBe(false);
    expect(audit.problems).toContain('spend total project prj_a all: kept held 0 posted 0, entries say held 40 posted 0');
  });
});
