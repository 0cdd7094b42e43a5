import { expect, it } from 'vitest';
import { UsageInput, type UsageReport, type UsageSeries } from '../../../shared/contract/usage';
import { FakeClock } from '../../../test/support/core';
import { describeEachEngine } from '../../../test/support/engines';
import { ledgerOn } from '../../../test/support/ledgerOn';
import type { SqlEngine } from '../db/engine/sqlEngine';
import { UsageService } from './usageService';

// Usage over time (issue 18 item 3) on both engines: the ledger's own moves (reserve, capture, void,
// refund) on a real database, then spend.usage read from its running totals.
const at = (iso: string) => Date.parse(`${iso}T10:00:00Z`);
const job = (id: string, credits: number, projectId: string, userId?: string) => ({
  id: `res-${id}`,
  jobId: id,
  projectId,
  ...(userId ? { userId } : {}),
  stage: 'generate' as const,
  artifactClass: 'preview' as const,
  amounts: { local: credits },
});

async function named(engine: SqlEngine): Promise<void> {
  for (const [id, name] of [['mem_ana', 'Ana'], ['mem_ben', 'Ben']]) {
    await engine.run('INSERT INTO members (id, name, role, created_by, created_at) VALUES (?, ?, ?, ?, ?)', [id!, name!, 'filmmaker', 'owner', 0]);
  }
  for (const [id, name] of [['prj_dunes', 'Dunes'], ['prj_kites', 'Kites']]) {
    await engine.run('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)', [id!, name!, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z']);
  }
}

const input = (x: Partial<ReturnType<typeof UsageInput.parse>> = {}) => UsageInput.parse(x);
const who = (r: UsageReport, name: string): UsageSeries => r.series.find((s) => s.name === name)!;
/** Each series' and the totals' figures are the sums of their points, and the totals are the series added up. */
function expectSums(r: UsageReport): void {
  for (const s of [...r.series, r.totals]) {
    for (const k of ['held', 'posted', 'refunded', 'credits'] as const) expect(s[k], `${'name' in s ? s.name : 'totals'} ${k}`).toBe(s.points.reduce((a, p) => a + p[k], 0));
    expect(s.points.map((p) => p.start)).toEqual(r.totals.points.map((p) => p.start));
  }
  for (const k of ['held', 'posted', 'refunded', 'credits'] as const) expect(r.totals[k]).toBe(r.series.reduce((a, s) => a + s[k], 0));
}

describeEachEngine('usage over time', (open) => {
  it('buckets add up to the totals; a hold moves to posted on the capture\'s day; a release removes it; refunds net out', async () => {
    const engine = await open();
    await named(engine);
    const clock = new FakeClock(at('2026-11-20'));
    const l = await ledgerOn(engine, clock);
    const usage = new UsageService({ engine, clock });

    const j1 = await l.ledger.reserve(job('j1', 300, 'prj_dunes', 'mem_ana'));
    await l.ledger.capture(j1.id, 250);
    const j2 = await l.ledger.reserve(job('j2', 100, 'prj_kites', 'mem_ben'));
    clock.t = at('2026-11-21');
    const j3 = await l.ledger.reserve(job('j3', 50, 'prj_dunes'));
    await l.ledger.capture(j3.id, 50);

    clock.t = at('2026-11-22');
    const range = { from: '2026-11-20', to: '2026-11-23' };
    const before = await usage.usage(input(range));
    expect(before).toMatchObject({ by: 'user', bucket: 'day', from: '2026-11-20', to: '2026-11-23' });
    expect(before.series.map((s) => [s.key, s.name, s.held, s.posted, s.credits])).toEqual([
      ['mem_ana', 'Ana', 0, 250, 250],
      [null, 'Studio owner', 0, 50, 50],
      ['mem_ben', 'Ben', 100, 0, 0],
    ]);
    expect(who(before, 'Ben').points.map((p) => p.held)).toEqual([100, 0, 0]);
    expect(who(before, 'Studio owner').points.map((p) => p.posted)).toEqual([0, 50, 0]);
    expectSums(before);

    // Ben's job settles today for 80: the hold leaves its day, the charge lands on today's.
    await l.ledger.capture(j2.id, 80);
    // Ana's next job is cancelled before it ran: its hold is gone, nothing posted.
    const j4 = await l.ledger.reserve(job('j4', 40, 'prj_kites', 'mem_ana'));
    expect(who(await usage.usage(input(range)), 'Ana').points.map((p) => p.held)).toEqual([0, 0, 40]);
    await l.ledger.void(j4.id, 'cancelled');
    await l.ledger.refund({ id: 'rf1', reservationId: j1.id, credits: 30, reason: 'provider refund' });

    const after = await usage.usage(input(range));
    expect(who(after, 'Ben').points.map((p) => [p.held, p.posted])).toEqual([[0, 0], [0, 0], [0, 80]]);
    expect(who(after, 'Ana').points.map((p) => [p.held, p.posted, p.refunded, p.credits])).toEqual([[0, 250, 0, 250], [0, 0, 0, 0], [0, 0, 30, -30]]);
    expect(who(after, 'Ana')).toMatchObject({ held: 0, posted: 250, refunded: 30, credits: 220 });
    expect(after.totals).toMatchObject({ held: 0, posted: 380, refunded: 30, credits: 350 });
    expectSums(after);

    const projects = await usage.usage(input({ ...range, by: 'project' }));
    expect(projects.series.map((s) => [s.key, s.name, s.posted, s.refunded])).toEqual([
      ['prj_dunes', 'Dunes', 300, 30],
      ['prj_kites', 'Kites', 80, 0],
    ]);
    expect(projects.totals).toEqual({ ...after.totals, points: after.totals.points });
    expectSums(projects);

    // Longer buckets: the range widens to whole weeks (Monday) and months, the figures stay the same.
    const weeks = await usage.usage(input({ ...range, bucket: 'week' }));
    expect(weeks).toMatchObject({ from: '2026-11-16', to: '2026-11-23' });
    expect(weeks.totals.points).toEqual([{ start: '2026-11-16', held: 0, posted: 380, refunded: 30, credits: 350 }]);
    const months = await usage.usage(input({ from: '2026-10-15', to: '2026-11-23', bucket: 'month', by: 'project' }));
    expect(months).toMatchObject({ from: '2026-10-01', to: '2026-12-01' });
    expect(months.totals.points.map((p) => [p.start, p.credits])).toEqual([['2026-10-01', 0], ['2026-11-01', 350]]);
    expect(who(months, 'Dunes').credits).toBe(270);
    expectSums(months);
    expect((await l.ledger.audit()).ok).toBe(true);
    await l.close();
  });

  it('names the local single user "You"; defaults to the last 30 days, 12 weeks or 12 months', async () => {
    const engine = await open();
    const clock = new FakeClock(at('2026-11-22'));
    const l = await ledgerOn(engine, clock);
    const usage = new UsageService({ engine, clock });
    await l.ledger.capture((await l.ledger.reserve(job('j1', 60, 'prj_x'))).id, 60);
    const days = await usage.usage(input());
    expect(days).toMatchObject({ from: '2026-10-24', to: '2026-11-23' });
    expect(days.totals.points).toHaveLength(30);
    expect(days.series.map((s) => [s.key, s.name, s.credits])).toEqual([[null, 'You', 60]]);
    expect((await usage.usage(input({ by: 'project' }))).series.map((s) => [s.key, s.name])).toEqual([['prj_x', 'prj_x']]);
    expect(await usage.usage(input({ bucket: 'week' }))).toMatchObject({ from: '2026-08-31', to: '2026-11-23' });
    const months = await usage.usage(input({ bucket: 'month' }));
    expect(months).toMatchObject({ from: '2025-12-01', to: '2026-12-01' });
    expect(months.totals.points.at(-1)).toMatchObject({ start: '2026-11-01', credits: 60 });
    await l.close();
  });

  it('refuses a bad range naming the field and the way out', async () => {
    const usage = new UsageService({ engine: await open(), clock: new FakeClock(at('2026-11-22')) });
    await expect(usage.usage(input({ from: '2026-11-20', to: '2026-11-20' }))).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'from' }, message: expect.stringContaining('must be before') });
    await expect(usage.usage(input({ from: '2026-02-31' }))).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'from' } });
    await expect(usage.usage(input({ to: '2026-13-01' }))).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'to' } });
    await expect(usage.usage(input({ from: '2025-01-01', to: '2026-01-03' }))).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'from', max: 366 }, message: expect.stringContaining('367 days') });
    expect((await usage.usage(input({ from: '2025-01-01', to: '2026-01-02' }))).totals.points).toHaveLength(366);
    expect((await usage.usage(input({ from: '2020-01-01', bucket: 'month' }))).totals.points).toHaveLength(83);
    expect(UsageInput.safeParse({ bucket: 'year' }).error?.issues[0]?.path).toEqual(['bucket']);
  });
});
