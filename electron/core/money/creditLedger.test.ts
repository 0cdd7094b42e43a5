import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, testCore } from '../../../test/support/core';
import { tempDir } from '../../../test/support/tmp';
import type { Core } from '../createCore';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function setup(plan = 'runway-api', clock = new FakeClock()) {
  const t = testCore({ clock });
  cleanups.push(t.cleanup);
  if (plan !== 'runway-api') t.core.money.activate(plan);
  return { core: t.core, clock, dataDir: t.dataDir };
}

const rows = (core: Core, table: string) => (core.db.conn.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const avail = (core: Core, pool: string) => core.ledger.balances().pools.find((p) => p.pool === pool)?.available ?? 0;
const job = (id: string, amounts: Record<string, number>, extra: Record<string, unknown> = {}) => ({
  id: `res-${id}`,
  jobId: id,
  projectId: 'prj_a',
  stage: 'generate' as const,
  artifactClass: 'preview' as const,
  amounts,
  ...extra,
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return `${(e as { code?: string }).code}:${(e as Error).name}`;
  }
  return 'no error';
}

describe('CreditLedger: grants, purchases, adjustments', () => {
  it('starts with the plan grants and records purchases in the purchased pool', () => {
    const { core } = setup();
    expect(avail(core, 'local:grant')).toBe(10_000);
    core.ledger.purchase({ id: 'buy-1', surface: 'api', credits: 1000 });
    expect(avail(core, 'api:purchased')).toBe(1000);
    core.ledger.purchase({ id: 'buy-1', surface: 'api', credits: 1000 });
    expect(avail(core, 'api:purchased')).toBe(1000);
    expect(codeOf(() => core.ledger.purchase({ id: 'buy-1', surface: 'api', credits: 2000 }))).toBe('CONFLICT:IdempotencyConflictError');
  });

  it('refuses bad input clearly and writes nothing', async () => {
    const { core } = setup('runway-free');
    const before = [rows(core, 'ledger_ops'), rows(core, 'ledger_entries')];
    // Malformed requests are refused by the contract (the one validation; the ledger does not parse again).
    const malformed: [string, unknown, string][] = [
      ['credits.grant', { id: 'g1', pool: 'web:grant', credits: -5 }, 'credits: must be more than 0'],
      ['credits.grant', { id: 'g2', pool: 'web:grant', credits: 2.5 }, 'credits: must be a whole number of credits'],
      ['credits.grant', { id: 'g3', pool: 'web:gold', credits: 5 }, 'pool: must be a pool: one of web:allowance'],
      ['credits.adjust', { id: 'a2', pool: 'web:grant', credits: 5, reason: '' }, 'reason: say why'],
    ];
    for (const [call, input, msg] of malformed) {
      const r = await core.dispatch(call, input, { role: 'owner', door: 'host' });
      expect(r.ok ? 'accepted' : `${r.error.code} ${r.error.message}`).toContain(`VALIDATION ${call}: ${msg}`);
    }
    // Well-formed requests the plan or the books refuse are the ledger's own rules.
    const refused: [() => unknown, RegExp][] = [
      [() => core.ledger.grant({ id: 'g4', pool: 'web:allowance', credits: 5 }), /pool: plan runway-free has no allowance on web/],
      [() => core.ledger.purchase({ id: 'p1', surface: 'web', credits: 1000 }), /^Plan runway-free cannot buy web credits/],
      [() => core.ledger.adjust({ id: 'a1', pool: 'web:grant', credits: -500, reason: 'oops' }), /^Not enough credits in web:grant: needs 500, 125 available/],
    ];
    for (const [fn, msg] of refused) expect(fn).toThrow(msg);
    core.money.activate('runway-standard');
    const mid = [rows(core, 'ledger_ops'), rows(core, 'ledger_entries')];
    expect(() => core.ledger.purchase({ id: 'p2', surface: 'web', credits: 999 })).toThrow('credits: a purchase on plan runway-standard must be at least 1000 credits (got 999)');
    expect([rows(core, 'ledger_ops'), rows(core, 'ledger_entries')]).toEqual(mid);
    expect(mid[0]! - before[0]!).toBe(1); // only Standard's allowance was granted by the switch
  });

  it('adjusts with a reason, up or down', () => {
    const { core } = setup();
    core.ledger.adjust({ id: 'fix-1', pool: 'local:grant', credits: -400, reason: 'simulation reset' });
    core.ledger.adjust({ id: 'fix-2', pool: 'api:purchased', credits: 30, reason: 'reconciled with /usage' });
    expect(avail(core, 'local:grant')).toBe(9600);
    expect(avail(core, 'api:purchased')).toBe(30);
    expect(core.ledger.history({ kind: 'adjust' }).map((h) => [h.pool, h.credits, h.reason])).toEqual([
      ['api:purchased', 30, 'reconciled with /usage'],
      ['local:grant', -400, 'simulation reset'],
    ]);
  });
});

describe('CreditLedger: reserve, capture, void', () => {
  it('draws allowance first, then purchased, and records credits before and after per pool', () => {
    const { core } = setup('runway-standard');
    core.ledger.purchase({ id: 'buy', surface: 'web', credits: 1000 });
    const r = core.ledger.reserve(job('j1', { web: 700 }));
    expect(r.legs.map((l) => [l.pool, l.credits])).toEqual([
      ['web:allowance', 625],
      ['web:purchased', 75],
    ]);
    expect(r.creditsBefore).toEqual({ 'web:allowance': 625, 'web:purchased': 1000 });
    expect(r.creditsAfter).toEqual({ 'web:allowance': 0, 'web:purchased': 925 });
    // reserve answers with what reservation(id) reads back from the books.
    expect(core.ledger.reservation(r.id)).toEqual(r);
    expect(core.ledger.balances().pools.find((p) => p.pool === 'web:purchased')).toMatchObject({ posted: 1000, reserved: 75, available: 925 });
    const s = core.ledger.capture(r.id, 650);
    expect(s).toMatchObject({ reserved: 700, captured: 650, released: 50, excess: null, creditsAfter: { 'web:allowance': 0, 'web:purchased': 975 } });
    expect(core.ledger.reservation(r.id)).toMatchObject({ state: 'captured', captured: 650, creditsAfter: { 'web:purchased': 975 } });
    expect(core.ledger.reservationForJob('j1')?.legs.map((l) => l.captured)).toEqual([625, 25]);
    expect(core.ledger.audit().ok).toBe(true);
  });

  it('refuses a reservation that does not fit, naming the pool, the shortfall and the ways out; nothing written', () => {
    const { core } = setup('runway-standard');
    const before = rows(core, 'ledger_entries');
    let err: { code?: string; message?: string; details?: Record<string, unknown> } = {};
    try {
      core.ledger.reserve(job('big', { web: 700 }));
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('INSUFFICIENT_CREDITS');
    expect(err.message).toBe(
      'Not enough credits in web:purchased: needs 700, 625 available (web:allowance 625); short by 75. Ways out: buy 1000 web credits; wait for the allowance reset on 2026-12-01; a cheaper model; a shorter clip.',
    );
    expect(err.details).toMatchObject({ rule: 'balance', pool: 'web:purchased', shortfall: 75 });
    expect(rows(core, 'ledger_entries')).toBe(before);
    expect(core.ledger.reservationForJob('big')).toBeUndefined();
  });

  it('resolves once: an identical resend is a replay, anything else is refused with a typed error', () => {
    const { core } = setup();
    const r = core.ledger.reserve(job('j', { local: 60 }));
    expect(core.ledger.reserve(job('j', { local: 60 })).id).toBe(r.id);
    expect(codeOf(() => core.ledger.reserve(job('j', { local: 61 })))).toBe('CONFLICT:IdempotencyConflictError');
    const first = core.ledger.capture(r.id, 50);
    expect(first.replayed).toBe(false);
    expect(core.ledger.capture(r.id, 50)).toEqual({ ...first, replayed: true });
    const entries = rows(core, 'ledger_entries');
    expect(codeOf(() => core.ledger.capture(r.id, 40))).toBe('CONFLICT:ReservationResolvedError');
    expect(codeOf(() => core.ledger.void(r.id, 'cancelled'))).toBe('CONFLICT:ReservationResolvedError');
    expect(codeOf(() => core.ledger.void(r.id, 'cancelled', { id: 'other-id' }))).toBe('CONFLICT:ReservationResolvedError');
    expect(codeOf(() => core.ledger.capture('nope', 1))).toBe('NOT_FOUND:AppError');
    expect(rows(core, 'ledger_entries')).toBe(entries);
    expect(avail(core, 'local:grant')).toBe(9950);
  });

  it('voids a reservation, releasing every leg', () => {
    const { core } = setup();
    const r = core.ledger.reserve(job('v', { local: 300 }));
    expect(avail(core, 'local:grant')).toBe(9700);
    expect(core.ledger.void(r.id, 'provider failed: refunded')).toMatchObject({ kind: 'void', captured: 0, released: 300 });
    expect(avail(core, 'local:grant')).toBe(10_000);
    expect(core.ledger.reservation(r.id).state).toBe('voided');
    expect(core.ledger.pendingReservations()).toEqual([]);
  });

  it('caps an actual cost above the reservation on plans with over_reserve: cap', () => {
    const { core } = setup('runway-standard');
    const r = core.ledger.reserve(job('c', { web: 100 }));
    const s = core.ledger.capture(r.id, 130);
    expect(s).toMatchObject({ captured: 100, excess: { credits: 30, policy: 'cap', charged: false } });
    expect(avail(core, 'web:allowance')).toBe(525);
  });

  it('charges the excess as a separate debit on plans with over_reserve: debit, and never overdraws', () => {
    const { core } = setup();
    core.ledger.purchase({ id: 'b', surface: 'api', credits: 1000 });
    const ok = core.ledger.capture(core.ledger.reserve(job('d1', { api: 100 })).id, 130);
    expect(ok).toMatchObject({ captured: 100, excess: { credits: 30, policy: 'debit', charged: true } });
    expect(avail(core, 'api:purchased')).toBe(870);
    const r = core.ledger.reserve(job('d2', { api: 800 }));
    const fail = core.ledger.capture(r.id, 1000);
    expect(fail.excess).toMatchObject({ credits: 200, charged: false, reason: 'the separate debit failed: api short by 130' });
    expect(avail(core, 'api:purchased')).toBe(70);
    expect(core.ledger.audit().ok).toBe(true);
  });

  it('holds the platform fee and the provider cost on separate surfaces', () => {
    const { core } = setup('platform-reseller-example');
    core.ledger.purchase({ id: 'b1', surface: 'api', credits: 1000 });
    core.ledger.purchase({ id: 'b2', surface: 'platform', credits: 100 });
    const r = core.ledger.reserve(job('p', { api: 50, platform: 52 }));
    expect(r.legs.map((l) => l.pool)).toEqual(['api:purchased', 'platform:purchased']);
    const s = core.ledger.capture(r.id, 0);
    expect(s).toMatchObject({ reserved: 102, captured: 52, released: 50 });
    expect([avail(core, 'api:purchased'), avail(core, 'platform:purchased')]).toEqual([1000, 48]);
  });

  it('refunds captured credits up to what was charged, last-drawn first', () => {
    const { core } = setup('runway-standard');
    core.ledger.purchase({ id: 'b', surface: 'web', credits: 1000 });
    const r = core.ledger.reserve(job('r', { web: 700 }));
    core.ledger.capture(r.id, 700);
    core.ledger.refund({ id: 'rf1', reservationId: r.id, credits: 100, reason: 'provider error, support refunded' });
    expect([avail(core, 'web:allowance'), avail(core, 'web:purchased')]).toEqual([25, 1000]);
    expect(() => core.ledger.refund({ id: 'rf2', reservationId: r.id, credits: 601, reason: 'x' })).toThrow('credits: at most 600 credits');
    const v = core.ledger.reserve(job('v', { web: 10 }));
    expect(() => core.ledger.refund({ id: 'rf3', reservationId: v.id, credits: 1, reason: 'x' })).toThrow(/not captured yet/);
  });
});

describe('CreditLedger: transactions and events', () => {
  it('joins an outer transaction: commits with it, rolls back with it, and announces only what committed', async () => {
    const { core } = setup();
    const seen: string[] = [];
    core.events.subscribe((name, p) => name === 'credits.changed' && seen.push((p as { opId: string }).opId));
    core.db.conn.exec('CREATE TABLE IF NOT EXISTS t_outer (x TEXT)');
    expect(() =>
      core.db.immediate(() => {
        core.db.conn.prepare("INSERT INTO t_outer VALUES ('job row')").run();
        core.ledger.reserve(job('o1', { local: 10 }));
        throw new Error('the queue failed after reserving');
      }),
    ).toThrow('the queue failed');
    await Promise.resolve();
    expect(rows(core, 't_outer')).toBe(0);
    expect(core.ledger.reservationForJob('o1')).toBeUndefined();
    expect(seen).toEqual([]);

    core.db.immediate(() => {
      core.db.conn.prepare("INSERT INTO t_outer VALUES ('job row')").run();
      core.ledger.reserve(job('o2', { local: 10 }));
      // A refused capture inside the outer transaction rolls back only its savepoint.
      expect(() => core.ledger.capture('missing', 1)).toThrow(/No reservation/);
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual([]);
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual(['res-o2']);
    expect(rows(core, 't_outer')).toBe(1);
    core.ledger.capture('res-o2', 10);
    expect(seen).toEqual(['res-o2', 'resolve:res-o2']);
  });

  it('notifies once when a user passes a spend threshold in a month', () => {
    const { core } = setup();
    const crossed: unknown[] = [];
    core.events.subscribe((name, p) => name === 'credits.thresholdCrossed' && crossed.push(p));
    for (const [i, n] of [600, 500, 300].entries()) {
      const r = core.ledger.reserve(job(`u${i}`, { local: n }, { userId: 'ana' }));
      core.ledger.capture(r.id, n);
    }
    expect(crossed).toEqual([{ userId: 'ana', period: '2026-11', threshold: 1000, spent: 1100 }]);
  });
});

describe('CreditLedger: append-only books', () => {
  it('triggers refuse UPDATE and DELETE on entries and operations', () => {
    const { core } = setup();
    core.ledger.reserve(job('a', { local: 5 }));
    expect(() => core.db.conn.prepare('UPDATE ledger_entries SET amount = 1').run()).toThrow(/append-only/);
    expect(() => core.db.conn.prepare('DELETE FROM ledger_entries').run()).toThrow(/append-only/);
    expect(() => core.db.conn.prepare("UPDATE ledger_ops SET kind = 'grant'").run()).toThrow(/append-only/);
    expect(() => core.db.conn.prepare('DELETE FROM ledger_ops').run()).toThrow(/append-only/);
  });

  it('audits cached totals against the entries; a tampered ledger opens in safe mode (writes refused)', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const first = testCore({ dataDir: t.dir });
    first.core.ledger.reserve(job('a', { local: 5 }));
    expect(first.core.ledger.audit()).toMatchObject({ ok: true, totals: { debitsPending: 5, creditsPending: 5 } });
    first.core.db.conn.prepare("UPDATE ledger_accounts SET credits_posted = credits_posted + 1000 WHERE id = 'local:grant'").run();
    expect(first.core.ledger.audit().problems).toEqual(['account local:grant: cached totals differ from its entries', 'posted debits 10000 ≠ posted credits 11000']);
    await first.core.dispose();
    const second = testCore({ dataDir: t.dir });
    cleanups.push(second.cleanup);
    expect(() => second.core.ledger.reserve(job('b', { local: 5 }))).toThrow(/failed its audit.*money writes are refused/);
    expect(second.core.ledger.balances().pools.length).toBeGreaterThan(0);
  });

  it('opens on the accounts alone: the startup check never reads the entries, the full audit rebuilds from them', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const first = testCore({ dataDir: t.dir });
    first.core.ledger.reserve(job('a', { local: 5 }));
    // An entry the cached totals do not know (entries take INSERTs; only UPDATE and DELETE are refused).
    first.core.db.conn
      .prepare("INSERT INTO ledger_entries (id, op_id, debit_account, credit_account, amount, is_pending, created_at, day) VALUES ('stray#0', 'res-a', 'local:grant', 'sys:spend', 7, 0, '2026-11-22T10:00:00.000Z', '2026-11-22')")
      .run();
    await first.core.dispose();
    const second = testCore({ dataDir: t.dir });
    cleanups.push(second.cleanup);
    // Opening costs the same at any history length, so it cannot see this; money still moves...
    expect(second.core.ledger.isSafe).toBe(true);
    expect(() => second.core.ledger.reserve(job('b', { local: 5 }))).not.toThrow();
    // ...and `ledger audit`, which rebuilds every total from the entries, names both accounts.
    expect(second.core.ledger.audit().problems).toEqual(expect.arrayContaining(['account local:grant: cached totals differ from its entries', 'account sys:spend: cached totals differ from its entries']));
  });

  it('answers history by pool, project, user, stage, artifact class and day', async () => {
    const { core, clock } = setup();
    core.ledger.capture(core.ledger.reserve(job('h1', { local: 10 }, { userId: 'ana' })).id, 10);
    clock.advance(86_400_000);
    core.ledger.capture(core.ledger.reserve(job('h2', { local: 20 }, { projectId: 'prj_b', stage: 'export', artifactClass: 'release' })).id, 20);
    const ids = (f: Parameters<Core['ledger']['history']>[0]) => [...new Set(core.ledger.history(f).map((h) => h.jobId))];
    expect(ids({ projectId: 'prj_b' })).toEqual(['h2']);
    expect(ids({ userId: 'ana' })).toEqual(['h1']);
    expect(ids({ stage: 'export' })).toEqual(['h2']);
    expect(ids({ artifactClass: 'preview', pool: 'local:grant', kind: 'capture' })).toEqual(['h1']);
    expect(ids({ day: '2026-11-22', kind: 'reserve' })).toEqual(['h1']);
    const h2 = core.ledger.history({ jobId: 'h2' });
    expect(h2.map((h) => [h.kind, h.credits, h.isPending])).toEqual([
      ['capture', -20, false],
      ['reserve', -20, true],
    ]);
    const bad = await core.dispatch('credits.history', { day: 'yesterday' }, { role: 'owner', door: 'host' });
    expect(bad.ok ? 'accepted' : bad.error.message).toMatch(/day: must be a day like 2026-11-22/);
  });
});

describe('CreditLedger: cycles (L6)', () => {
  it('expires unused allowance at the cycle end, never purchased credits or live reservations', () => {
    const clock = new FakeClock(Date.parse('2026-11-22T10:00:00Z'));
    const { core } = setup('runway-standard', clock);
    core.ledger.purchase({ id: 'buy', surface: 'web', credits: 1000 });
    const r = core.ledger.reserve(job('m', { web: 100 }));
    expect(core.ledger.balances().pools.find((p) => p.pool === 'web:allowance')).toMatchObject({ available: 525, resetsAt: '2026-12-01' });

    clock.t = Date.parse('2026-12-01T00:00:01Z');
    const after = core.ledger.balances();
    expect(after.pools.find((p) => p.pool === 'web:allowance')).toMatchObject({ available: 625, reserved: 100, resetsAt: '2027-01-01' });
    expect(after.pools.find((p) => p.pool === 'web:purchased')?.available).toBe(1000);
    expect(core.ledger.history({ kind: 'expire' }).map((h) => h.credits)).toEqual([-525]);

    // Captured after the month end: the 40 it releases belong to the old cycle and expire at once.
    expect(core.ledger.capture(r.id, 60)).toMatchObject({ captured: 60, released: 40 });
    expect(core.ledger.history({ kind: 'expire' }).map((h) => h.credits)).toEqual([-40, -525]);
    expect(avail(core, 'web:allowance')).toBe(625);
    core.ledger.syncPlan();
    expect(avail(core, 'web:allowance')).toBe(625);
    expect(core.ledger.audit().ok).toBe(true);
  });

  it('gives a one-time grant once, even when the plan is switched away and back', () => {
    const { core } = setup('runway-free');
    expect(avail(core, 'web:grant')).toBe(125);
    core.money.activate('runway-pro');
    core.money.activate('runway-free');
    expect(avail(core, 'web:grant')).toBe(125);
    expect(avail(core, 'web:allowance')).toBe(2250);
  });
});
