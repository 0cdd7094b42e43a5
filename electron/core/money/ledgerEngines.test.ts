import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../test/support/engines';
import { FakeClock } from '../../../test/support/core';
import { ledgerOn, type LedgerOn } from '../../../test/support/ledgerOn';

// The ledger's rules on both engines (SQLite, the desktop; PostgreSQL, a studio): the same code, the
// same answers. The whole-core suites (creditLedger.test.ts, the model-based property test) run on both too.
const job = (id: string, credits: number, extra: Record<string, unknown> = {}) => ({
  id: `res-${id}`,
  jobId: id,
  projectId: 'prj_a',
  stage: 'generate' as const,
  artifactClass: 'preview' as const,
  amounts: { local: credits },
  ...extra,
});

const localGrant = async (l: LedgerOn) => (await l.ledger.balances()).pools.find((p) => p.pool === 'local:grant')!;

describeEachEngine('credit ledger', (open) => {
  it('opens with the plan grants once, however often it is opened', async () => {
    const engine = await open();
    const a = await ledgerOn(engine);
    const b = await ledgerOn(engine);
    expect(await localGrant(a)).toMatchObject({ posted: 10_000, reserved: 0, available: 10_000 });
    expect((await b.ledger.history({ kind: 'grant' })).length).toBe(1);
    expect(await a.ledger.audit()).toMatchObject({ ok: true, problems: [] });
    await a.close();
    await b.close();
  });

  it('reserves, captures, voids and refunds exactly once, replays a resend, and refuses a changed one', async () => {
    const l = await ledgerOn(await open());
    const r = await l.ledger.reserve(job('j1', 600, { userId: 'ana' }));
    expect(r).toMatchObject({ state: 'pending', reserved: 600, creditsBefore: { 'local:grant': 10_000 }, creditsAfter: { 'local:grant': 9_400 } });
    expect(await l.ledger.reserve(job('j1', 600, { userId: 'ana' }))).toMatchObject({ id: r.id, reserved: 600 });
    await expect(l.ledger.reserve(job('j1', 700, { userId: 'ana' }))).rejects.toMatchObject({ code: 'CONFLICT' });
    const s = await l.ledger.capture(r.id, 450);
    expect(s).toMatchObject({ captured: 450, released: 150, replayed: false });
    expect(await l.ledger.capture(r.id, 450)).toMatchObject({ captured: 450, replayed: true });
    await expect(l.ledger.void(r.id, 'too late')).rejects.toMatchObject({ code: 'CONFLICT' });
    await l.ledger.refund({ id: 'rf1', reservationId: r.id, credits: 50, reason: 'provider refund' });
    await expect(l.ledger.refund({ id: 'rf2', reservationId: r.id, credits: 401, reason: 'x' })).rejects.toThrow('credits: at most 400 credits');
    const v = await l.ledger.reserve(job('j2', 100));
    expect(await l.ledger.void(v.id, 'cancelled before submission')).toMatchObject({ captured: 0, released: 100 });
    expect(await localGrant(l)).toMatchObject({ posted: 10_000 - 400, reserved: 0 });
    expect((await l.ledger.reservation(v.id)).state).toBe('voided');
    expect((await l.ledger.reservationsForJob('j1')).map((x) => x.state)).toEqual(['captured']);
    expect(await l.ledger.pendingReservations()).toEqual([]);
    const g = await l.ledger.guardState('prj_a');
    // Spend counts what was charged (a refund gives credits back to the pool; spent stays what was billed).
    expect(g.project?.spent).toBe(450);
    expect(g.spentToday.local).toBe(450);
    expect((await l.ledger.history({ userId: 'ana' })).map((h) => h.kind).sort()).toEqual(['capture', 'refund', 'reserve']);
    expect(await l.ledger.audit()).toMatchObject({ ok: true, problems: [] });
    await l.close();
  });

  it('refuses an overdraft naming the pool and the shortfall, and writes nothing', async () => {
    const l = await ledgerOn(await open());
    const before = (await l.ledger.history({ limit: 1000 })).length;
    await expect(l.ledger.reserve(job('big', 10_001))).rejects.toMatchObject({
      code: 'INSUFFICIENT_CREDITS',
      message: expect.stringMatching(/local:grant/),
    });
    expect((await l.ledger.history({ limit: 1000 })).length).toBe(before);
    expect(await l.ledger.reservationForJob('big')).toBeUndefined();
    await l.close();
  });

  it('joins the caller transaction: rolled back with it, announced only when it commits', async () => {
    const engine = await open();
    const l = await ledgerOn(engine);
    const heardBefore = l.heard.length;
    await expect(
      engine.tx(async (q) => {
        await l.ledger.reserve(job('o1', 10), q);
        throw new Error('the queue failed after reserving');
      }),
    ).rejects.toThrow('the queue failed');
    expect(await l.ledger.reservationForJob('o1')).toBeUndefined();
    await engine.tx(async (q) => {
      await l.ledger.reserve(job('o2', 10), q);
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(l.heard.slice(heardBefore)).toEqual(['res-o2']);
    await l.close();
  });

  it('captures a hold made before the month ended after it, with the books still balancing', async () => {
    const clock = new FakeClock(Date.parse('2026-11-30T22:00:00Z'));
    const engine = await open();
    const l = await ledgerOn(engine, clock);
    const r = await l.ledger.reserve(job('cy', 100));
    clock.advance(2 * 86_400_000);
    await l.ledger.balances();
    expect((await l.ledger.capture(r.id, 100)).captured).toBe(100);
    expect(await l.ledger.audit()).toMatchObject({ ok: true });
    await l.close();
  });
});
