import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../test/support/core';
import { ENGINES, testCoreOn, type EngineName } from '../../../test/support/coreOn';
import { pgNeed } from '../../../test/support/engines';
import { describeWith } from '../../../test/support/needs';
import { tempDir } from '../../../test/support/tmp';
import type { Core } from '../createCore';

// The ledger through a whole core, on both engines: SQLite (the data dir's file) and PostgreSQL (a fresh
// studio database). Every test here is about the books, not about a file, so every one runs on both;
// a "restart" opens a second core on the same data dir (SQLite) or studio database (PostgreSQL).
// (ledgerEngines.test.ts runs the ledger on both engines without a core.)

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(engine: EngineName, plan = 'runway-api', clock = new FakeClock()) {
  const t = await testCoreOn(engine, { clock });
  cleanups.push(t.cleanup);
  await t.core.ledger.ready; // the books open asynchronously (the plan's grants are announced then)
  if (plan !== 'runway-api') await t.core.money.activate(plan);
  return { core: t.core, clock, dataDir: t.dataDir };
}

const rows = async (core: Core, table: string) => (await core.engine.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n;
const avail = async (core: Core, pool: string) => (await core.ledger.balances()).pools.find((p) => p.pool === pool)?.available ?? 0;
const job = (id: string, amounts: Record<string, number>, extra: Record<string, unknown> = {}) => ({
  id: `res-${id}`,
  jobId: id,
  projectId: 'prj_a',
  stage: 'generate' as const,
  artifactClass: 'preview' as const,
  amounts,
  ...extra,
});

async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    return `${(e as { code?: string }).code}:${(e as Error).name}`;
  }
  return 'no error';
}

/** A second core on the same books, as a restart opens it: the data dir's file, or the same studio database. */
const reopen = (engine: EngineName, first: Awaited<ReturnType<typeof testCoreOn>>) =>
  testCoreOn(engine, { dataDir: first.dataDir, ...(first.databaseUrl ? { databaseUrl: first.databaseUrl } : {}) });

for (const engine of ENGINES) describeWith(engine === 'postgres' ? [pgNeed] : [], `credit ledger (whole core) · ${engine}`, () => {
  describe('CreditLedger: grants, purchases, adjustments', () => {
    it('starts with the plan grants and records purchases in the purchased pool', async () => {
      const { core } = await setup(engine);
      expect((await avail(core, 'local:grant'))).toBe(10_000);
      await core.ledger.purchase({ id: 'buy-1', surface: 'api', credits: 1000 });
      expect((await avail(core, 'api:purchased'))).toBe(1000);
      await core.ledger.purchase({ id: 'buy-1', surface: 'api', credits: 1000 });
      expect((await avail(core, 'api:purchased'))).toBe(1000);
      expect(await codeOf(async () => await core.ledger.purchase({ id: 'buy-1', surface: 'api', credits: 2000 }))).toBe('CONFLICT:IdempotencyConflictError');
    });

    it('refuses bad input clearly and writes nothing', async () => {
      const { core } = await setup(engine, 'runway-free');
      const before = [await rows(core, 'ledger_ops'), await rows(core, 'ledger_entries')];
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
      const refused: [() => Promise<unknown>, RegExp][] = [
        [async () => await core.ledger.grant({ id: 'g4', pool: 'web:allowance', credits: 5 }), /pool: plan runway-free has no allowance on web/],
        [async () => await core.ledger.purchase({ id: 'p1', surface: 'web', credits: 1000 }), /^Plan runway-free cannot buy web credits/],
        [async () => await core.ledger.adjust({ id: 'a1', pool: 'web:grant', credits: -500, reason: 'oops' }), /^Not enough credits in web:grant: needs 500, 125 available/],
      ];
      for (const [fn, msg] of refused) await expect(fn()).rejects.toThrow(msg);
      await core.money.activate('runway-standard');
      const mid = [await rows(core, 'ledger_ops'), await rows(core, 'ledger_entries')];
      await expect(core.ledger.purchase({ id: 'p2', surface: 'web', credits: 999 })).rejects.toThrow('credits: a purchase on plan runway-standard must be at least 1000 credits (got 999)');
      expect([await rows(core, 'ledger_ops'), await rows(core, 'ledger_entries')]).toEqual(mid);
      expect(mid[0]! - before[0]!).toBe(1); // only Standard's allowance was granted by the switch
    });

    it('adjusts with a reason, up or down', async () => {
      const { core } = await setup(engine);
      await core.ledger.adjust({ id: 'fix-1', pool: 'local:grant', credits: -400, reason: 'simulation reset' });
      await core.ledger.adjust({ id: 'fix-2', pool: 'api:purchased', credits: 30, reason: 'reconciled with /usage' });
      expect((await avail(core, 'local:grant'))).toBe(9600);
      expect((await avail(core, 'api:purchased'))).toBe(30);
      expect((await core.ledger.history({ kind: 'adjust' })).map((h) => [h.pool, h.credits, h.reason])).toEqual([
        ['api:purchased', 30, 'reconciled with /usage'],
        ['local:grant', -400, 'simulation reset'],
      ]);
    });
  });

  describe('CreditLedger: reserve, capture, void', () => {
    it('draws allowance first, then purchased, and records credits before and after per pool', async () => {
      const { core } = await setup(engine, 'runway-standard');
      await core.ledger.purchase({ id: 'buy', surface: 'web', credits: 1000 });
      const r = await core.ledger.reserve(job('j1', { web: 700 }));
      expect(r.legs.map((l) => [l.pool, l.credits])).toEqual([
        ['web:allowance', 625],
        ['web:purchased', 75],
      ]);
      expect(r.creditsBefore).toEqual({ 'web:allowance': 625, 'web:purchased': 1000 });
      expect(r.creditsAfter).toEqual({ 'web:allowance': 0, 'web:purchased': 925 });
      // reserve answers with what reservation(id) reads back from the books.
      expect(await core.ledger.reservation(r.id)).toEqual(r);
      expect((await core.ledger.balances()).pools.find((p) => p.pool === 'web:purchased')).toMatchObject({ posted: 1000, reserved: 75, available: 925 });
      const s = await core.ledger.capture(r.id, 650);
      expect(s).toMatchObject({ reserved: 700, captured: 650, released: 50, excess: null, creditsAfter: { 'web:allowance': 0, 'web:purchased': 975 } });
      expect(await core.ledger.reservation(r.id)).toMatchObject({ state: 'captured', captured: 650, creditsAfter: { 'web:purchased': 975 } });
      expect((await core.ledger.reservationForJob('j1'))?.legs.map((l) => l.captured)).toEqual([625, 25]);
      expect((await core.ledger.audit()).ok).toBe(true);
    });

    it('refuses a reservation that does not fit, naming the pool, the shortfall and the ways out; nothing written', async () => {
      const { core } = await setup(engine, 'runway-standard');
      const before = await rows(core, 'ledger_entries');
      let err: { code?: string; message?: string; details?: Record<string, unknown> } = {};
      try {
        await core.ledger.reserve(job('big', { web: 700 }));
      } catch (e) {
        err = e as typeof err;
      }
      expect(err.code).toBe('INSUFFICIENT_CREDITS');
      expect(err.message).toBe(
        'Not enough credits in web:purchased: needs 700, 625 available (web:allowance 625); short by 75. Ways out: buy 1000 web credits; wait for the allowance reset on 2026-12-01; a cheaper model; a shorter clip.',
      );
      expect(err.details).toMatchObject({ rule: 'balance', pool: 'web:purchased', shortfall: 75 });
      expect(await rows(core, 'ledger_entries')).toBe(before);
      expect(await core.ledger.reservationForJob('big')).toBeUndefined();
    });

    it('resolves once: an identical resend is a replay, anything else is refused with a typed error', async () => {
      const { core } = await setup(engine);
      const r = await core.ledger.reserve(job('j', { local: 60 }));
      expect((await core.ledger.reserve(job('j', { local: 60 }))).id).toBe(r.id);
      expect(await codeOf(async () => await core.ledger.reserve(job('j', { local: 61 })))).toBe('CONFLICT:IdempotencyConflictError');
      const first = await core.ledger.capture(r.id, 50);
      expect(first.replayed).toBe(false);
      expect(await core.ledger.capture(r.id, 50)).toEqual({ ...first, replayed: true });
      const entries = await rows(core, 'ledger_entries');
      expect(await codeOf(async () => await core.ledger.capture(r.id, 40))).toBe('CONFLICT:ReservationResolvedError');
      expect(await codeOf(async () => await core.ledger.void(r.id, 'cancelled'))).toBe('CONFLICT:ReservationResolvedError');
      expect(await codeOf(async () => await core.ledger.void(r.id, 'cancelled', { id: 'other-id' }))).toBe('CONFLICT:ReservationResolvedError');
      expect(await codeOf(async () => await core.ledger.capture('nope', 1))).toBe('NOT_FOUND:AppError');
      expect(await rows(core, 'ledger_entries')).toBe(entries);
      expect((await avail(core, 'local:grant'))).toBe(9950);
    });

    it('voids a reservation, releasing every leg', async () => {
      const { core } = await setup(engine);
      const r = await core.ledger.reserve(job('v', { local: 300 }));
      expect((await avail(core, 'local:grant'))).toBe(9700);
      expect(await core.ledger.void(r.id, 'provider failed: refunded')).toMatchObject({ kind: 'void', captured: 0, released: 300 });
      expect((await avail(core, 'local:grant'))).toBe(10_000);
      expect((await core.ledger.reservation(r.id)).state).toBe('voided');
      expect(await core.ledger.pendingReservations()).toEqual([]);
    });

    it('caps an actual cost above the reservation on plans with over_reserve: cap', async () => {
      const { core } = await setup(engine, 'runway-standard');
      const r = await core.ledger.reserve(job('c', { web: 100 }));
      const s = await core.ledger.capture(r.id, 130);
      expect(s).toMatchObject({ captured: 100, excess: { credits: 30, policy: 'cap', charged: false } });
      expect((await avail(core, 'web:allowance'))).toBe(525);
    });

    it('charges the excess as a separate debit on plans with over_reserve: debit, and never overdraws', async () => {
      const { core } = await setup(engine);
      await core.ledger.purchase({ id: 'b', surface: 'api', credits: 1000 });
      const ok = await core.ledger.capture((await core.ledger.reserve(job('d1', { api: 100 }))).id, 130);
      expect(ok).toMatchObject({ captured: 100, excess: { credits: 30, policy: 'debit', charged: true } });
      expect((await avail(core, 'api:purchased'))).toBe(870);
      const r = await core.ledger.reserve(job('d2', { api: 800 }));
      const fail = await core.ledger.capture(r.id, 1000);
      expect(fail.excess).toMatchObject({ credits: 200, charged: false, reason: 'the separate debit failed: api short by 130' });
      expect((await avail(core, 'api:purchased'))).toBe(70);
      expect((await core.ledger.audit()).ok).toBe(true);
    });

    it('holds the platform fee and the provider cost on separate surfaces', async () => {
      const { core } = await setup(engine, 'platform-reseller-example');
      await core.ledger.purchase({ id: 'b1', surface: 'api', credits: 1000 });
      await core.ledger.purchase({ id: 'b2', surface: 'platform', credits: 100 });
      const r = await core.ledger.reserve(job('p', { api: 50, platform: 52 }));
      expect(r.legs.map((l) => l.pool)).toEqual(['api:purchased', 'platform:purchased']);
      const s = await core.ledger.capture(r.id, 0);
      expect(s).toMatchObject({ reserved: 102, captured: 52, released: 50 });
      expect([(await avail(core, 'api:purchased')), (await avail(core, 'platform:purchased'))]).toEqual([1000, 48]);
    });

    it('refunds captured credits up to what was charged, last-drawn first', async () => {
      const { core } = await setup(engine, 'runway-standard');
      await core.ledger.purchase({ id: 'b', surface: 'web', credits: 1000 });
      const r = await core.ledger.reserve(job('r', { web: 700 }));
      await core.ledger.capture(r.id, 700);
      await core.ledger.refund({ id: 'rf1', reservationId: r.id, credits: 100, reason: 'provider error, support refunded' });
      expect([(await avail(core, 'web:allowance')), (await avail(core, 'web:purchased'))]).toEqual([25, 1000]);
      await expect(core.ledger.refund({ id: 'rf2', reservationId: r.id, credits: 601, reason: 'x' })).rejects.toThrow('credits: at most 600 credits');
      const v = await core.ledger.reserve(job('v', { web: 10 }));
      await expect(core.ledger.refund({ id: 'rf3', reservationId: v.id, credits: 1, reason: 'x' })).rejects.toThrow(/not captured yet/);
    });
  });

  describe('CreditLedger: transactions and events', () => {
    it('joins an outer transaction: commits with it, rolls back with it, and announces only what committed', async () => {
      const { core } = await setup(engine);
      const seen: string[] = [];
      core.events.subscribe((name, p) => name === 'credits.changed' && seen.push((p as { opId: string }).opId));
      await core.engine.exec('CREATE TABLE IF NOT EXISTS t_outer (x TEXT)');
      await expect(
        core.engine.tx(async (q) => {
          await q.run("INSERT INTO t_outer VALUES ('job row')");
          await core.ledger.reserve(job('o1', { local: 10 }), q);
          throw new Error('the queue failed after reserving');
        }),
      ).rejects.toThrow('the queue failed');
      await Promise.resolve();
      expect(await rows(core, 't_outer')).toBe(0);
      expect(await core.ledger.reservationForJob('o1')).toBeUndefined();
      expect(seen).toEqual([]);

      await core.engine.tx(async (q) => {
        await q.run("INSERT INTO t_outer VALUES ('job row')");
        await core.ledger.reserve(job('o2', { local: 10 }), q);
        // A refused capture inside the outer transaction writes nothing; the transaction goes on.
        await expect(core.ledger.capture('missing', 1, { q })).rejects.toThrow(/No reservation/);
        expect(seen).toEqual([]);
      });
      expect(seen).toEqual([]);
      // Announced after the commit, with the balances read then (a round trip on PostgreSQL): wait for it.
      // Notes are announced in order, so o1 (rolled back) would have come first had it been noted.
      await vi.waitFor(() => expect(seen).toEqual(['res-o2']));
      expect(await rows(core, 't_outer')).toBe(1);
      await core.ledger.capture('res-o2', 10);
      expect(seen).toEqual(['res-o2', 'resolve:res-o2']);
    });

    it('notifies once when a user passes a spend threshold in a month', async () => {
      const { core } = await setup(engine);
      const crossed: unknown[] = [];
      core.events.subscribe((name, p) => name === 'credits.thresholdCrossed' && crossed.push(p));
      for (const [i, n] of [600, 500, 300].entries()) {
        const r = await core.ledger.reserve(job(`u${i}`, { local: n }, { userId: 'ana' }));
        await core.ledger.capture(r.id, n);
      }
      expect(crossed).toEqual([{ userId: 'ana', period: '2026-11', threshold: 1000, spent: 1100 }]);
    });
  });

  describe('CreditLedger: append-only books', () => {
    it('triggers refuse UPDATE and DELETE on entries and operations', async () => {
      const { core } = await setup(engine);
      await core.ledger.reserve(job('a', { local: 5 }));
      const entries = await rows(core, 'ledger_entries');
      await expect(core.engine.run('UPDATE ledger_entries SET amount = 1')).rejects.toThrow(/append-only/);
      await expect(core.engine.run('DELETE FROM ledger_entries')).rejects.toThrow(/append-only/);
      await expect(core.engine.run("UPDATE ledger_ops SET kind = 'grant'")).rejects.toThrow(/append-only/);
      await expect(core.engine.run('DELETE FROM ledger_ops')).rejects.toThrow(/append-only/);
      expect(await rows(core, 'ledger_entries')).toBe(entries);
      expect((await core.ledger.audit()).ok).toBe(true);
    });

    it('audits cached totals against the entries; a tampered ledger opens in safe mode (writes refused)', async () => {
      const t = tempDir();
      cleanups.push(t.cleanup);
      const first = await testCoreOn(engine, { dataDir: t.dir });
      await first.core.ledger.reserve(job('a', { local: 5 }));
      expect(await first.core.ledger.audit()).toMatchObject({ ok: true, totals: { debitsPending: 5, creditsPending: 5 } });
      await first.core.engine.run("UPDATE ledger_accounts SET credits_posted = credits_posted + 1000 WHERE id = 'local:grant'");
      expect((await first.core.ledger.audit()).problems).toEqual(['account local:grant: cached totals differ from its entries', 'posted debits 10000 ≠ posted credits 11000']);
      await first.core.dispose();
      const second = await reopen(engine, first);
      cleanups.push(second.cleanup);
      await expect(second.core.ledger.reserve(job('b', { local: 5 }))).rejects.toThrow(/failed its audit.*money writes are refused/);
      expect((await second.core.ledger.balances()).pools.length).toBeGreaterThan(0);
    });

    it('opens on the accounts alone: the startup check never reads the entries, the full audit rebuilds from them', async () => {
      const t = tempDir();
      cleanups.push(t.cleanup);
      const first = await testCoreOn(engine, { dataDir: t.dir });
      await first.core.ledger.reserve(job('a', { local: 5 }));
      // An entry the cached totals do not know (entries take INSERTs; only UPDATE and DELETE are refused).
      await first.core.engine.run(
        "INSERT INTO ledger_entries (id, op_id, debit_account, credit_account, amount, is_pending, created_at, day) VALUES ('stray#0', 'res-a', 'local:grant', 'sys:spend', 7, 0, '2026-11-22T10:00:00.000Z', '2026-11-22')",
      );
      await first.core.dispose();
      const second = await reopen(engine, first);
      cleanups.push(second.cleanup);
      // Opening costs the same at any history length, so it cannot see this; money still moves...
      expect(second.core.ledger.isSafe).toBe(true);
      await expect(second.core.ledger.reserve(job('b', { local: 5 }))).resolves.toBeDefined();
      // ...and `ledger audit`, which rebuilds every total from the entries, names both accounts.
      expect((await second.core.ledger.audit()).problems).toEqual(expect.arrayContaining(['account local:grant: cached totals differ from its entries', 'account sys:spend: cached totals differ from its entries']));
    });

    it('answers history by pool, project, user, stage, artifact class and day', async () => {
      const { core, clock } = await setup(engine);
      await core.ledger.capture((await core.ledger.reserve(job('h1', { local: 10 }, { userId: 'ana' }))).id, 10);
      clock.advance(86_400_000);
      await core.ledger.capture((await core.ledger.reserve(job('h2', { local: 20 }, { projectId: 'prj_b', stage: 'export', artifactClass: 'release' }))).id, 20);
      const ids = async (f: Parameters<Core['ledger']['history']>[0]) => [...new Set((await core.ledger.history(f)).map((h) => h.jobId))];
      expect(await ids({ projectId: 'prj_b' })).toEqual(['h2']);
      expect(await ids({ userId: 'ana' })).toEqual(['h1']);
      expect(await ids({ stage: 'export' })).toEqual(['h2']);
      expect(await ids({ artifactClass: 'preview', pool: 'local:grant', kind: 'capture' })).toEqual(['h1']);
      expect(await ids({ day: '2026-11-22', kind: 'reserve' })).toEqual(['h1']);
      const h2 = await core.ledger.history({ jobId: 'h2' });
      expect(h2.map((h) => [h.kind, h.credits, h.isPending])).toEqual([
        ['capture', -20, false],
        ['reserve', -20, true],
      ]);
      const bad = await core.dispatch('credits.history', { day: 'yesterday' }, { role: 'owner', door: 'host' });
      expect(bad.ok ? 'accepted' : bad.error.message).toMatch(/day: must be a day like 2026-11-22/);
    });
  });

  describe('CreditLedger: cycles (L6)', () => {
    it('expires unused allowance at the cycle end, never purchased credits or live reservations', async () => {
      const clock = new FakeClock(Date.parse('2026-11-22T10:00:00Z'));
      const { core } = await setup(engine, 'runway-standard', clock);
      await core.ledger.purchase({ id: 'buy', surface: 'web', credits: 1000 });
      const r = await core.ledger.reserve(job('m', { web: 100 }));
      expect((await core.ledger.balances()).pools.find((p) => p.pool === 'web:allowance')).toMatchObject({ available: 525, resetsAt: '2026-12-01' });

      clock.t = Date.parse('2026-12-01T00:00:01Z');
      const after = await core.ledger.balances();
      expect(after.pools.find((p) => p.pool === 'web:allowance')).toMatchObject({ available: 625, reserved: 100, resetsAt: '2027-01-01' });
      expect(after.pools.find((p) => p.pool === 'web:purchased')?.available).toBe(1000);
      expect((await core.ledger.history({ kind: 'expire' })).map((h) => h.credits)).toEqual([-525]);

      // Captured after the month end: the 40 it releases belong to the old cycle and expire at once.
      expect(await core.ledger.capture(r.id, 60)).toMatchObject({ captured: 60, released: 40 });
      expect((await core.ledger.history({ kind: 'expire' })).map((h) => h.credits)).toEqual([-40, -525]);
      expect((await avail(core, 'web:allowance'))).toBe(625);
      await core.ledger.syncPlan();
      expect((await avail(core, 'web:allowance'))).toBe(625);
      expect((await core.ledger.audit()).ok).toBe(true);
    });

    it('gives a one-time grant once, even when the plan is switched away and back', async () => {
      const { core } = await setup(engine, 'runway-free');
      expect((await avail(core, 'web:grant'))).toBe(125);
      await core.money.activate('runway-pro');
      await core.money.activate('runway-free');
      expect((await avail(core, 'web:grant'))).toBe(125);
      expect((await avail(core, 'web:allowance'))).toBe(2250);
    });
  });
});

describe('poolOfAccount', () => {
  it('is the account id up to its second colon, or the whole id when it has fewer', async () => {
    const { poolOfAccount } = await import('./ledgerViews');
    expect(poolOfAccount('api:allowance:2026-12-01')).toBe('api:allowance');
    expect(poolOfAccount('api:purchased')).toBe('api:purchased');
    expect(poolOfAccount('local:grant:a:b')).toBe('local:grant');
    expect(poolOfAccount('sys')).toBe('sys');
    expect(poolOfAccount(':x:y')).toBe(':x');
    expect(poolOfAccount('')).toBe('');
  });
});
