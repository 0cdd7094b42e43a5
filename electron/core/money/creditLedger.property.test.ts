import fc from 'fast-check';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { contract } from '../../../shared/contract';
import { validationError } from '../../../shared/errors';
import { cycleAt, dayOf } from '../../../shared/money/cycles';
import { FakeClock } from '../../../test/support/core';
import { ENGINES, testCoreOn, type EngineName } from '../../../test/support/coreOn';
import { pgNeed } from '../../../test/support/engines';
import { describeWith } from '../../../test/support/needs';
import { tempDir } from '../../../test/support/tmp';
import type { Core } from '../createCore';
import { findResourcesDir } from './resourcesDir';

/**
 * A small VOPR for the credit ledger (docs/reliability.md L8): fast-check generates sequences of grant,
 * purchase, reserve, capture, void, time passing across month ends, identical and altered resends, and
 * restarts (close and reopen the database), runs them against the real ledger and a plain in-memory
 * model, and after every step checks: the books balance, no pool below zero counting reservations, each
 * reservation resolved at most once (exactly once when the model says so), every pool as the model says,
 * and the running spend totals (per pool, project and user, per day, month and all time) equal to a full
 * recomputation from the entries, both through the audit and against the guard's sums of old.
 * The same property runs on both engines: SQLite (a core on the data dir's file) and PostgreSQL (a core
 * on a fresh studio database; a restart opens a new core, pool and all, on the same database).
 * The seed is printed; replay with LEDGER_SEED=<seed>. Runs: LEDGER_RUNS (SQLite, 12) and
 * LEDGER_PG_RUNS (PostgreSQL, 5: a fresh studio database per run, every statement there is a round trip, and each restart a new pool).
 */
const SEED = Number(process.env.LEDGER_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS: Record<EngineName, number> = { sqlite: Number(process.env.LEDGER_RUNS ?? 12), postgres: Number(process.env.LEDGER_PG_RUNS ?? 5) };
const PLAN = 'prop-plan';
const ALLOWANCE = { credits: 625, cycle: 'month' as const, reset_day: 1 };

type Surface = 'web' | 'local';
interface Acc {
  surface: Surface;
  kind: 'allowance' | 'grant' | 'purchased';
  cycleStart: string;
  cycleEnd: string;
  posted: number;
  pending: number;
  closed: boolean;
}
interface Res {
  id: string;
  amounts: Partial<Record<Surface, number>>;
  legs: { account: string; credits: number }[];
  state: 'pending' | 'captured' | 'voided';
  actual: number | null;
}
interface Model {
  now: number;
  seq: number;
  accounts: Map<string, Acc>;
  reservations: Res[];
  ops: { id: string; kind: 'grant' | 'purchase' | 'reserve'; input: Record<string, unknown> }[];
}
interface Real {
  engine: EngineName;
  core: Core;
  clock: FakeClock;
  dataDir: string;
  /** The studio database on PostgreSQL (a restart opens the next core on it), null on SQLite. */
  databaseUrl: string | null;
}

const avail = (a: Acc) => a.posted - a.pending;

// Spend summed from the entries, as the guard did before running totals: unresolved holds and posts.
const LIVE = `e.credit_account = 'sys:spend' AND (e.is_pending = 0 OR NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.pending_id = e.id))`;
const SPENT_ON_DAY = `SELECT SUM(e.amount) AS n FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.debit_account WHERE ${LIVE} AND e.day = ? AND a.surface = ?`;
const SPENT_BY_PROJECT = `SELECT SUM(e.amount) AS n FROM ledger_entries e JOIN ledger_ops o ON o.id = e.op_id WHERE ${LIVE} AND o.project_id = ?`;
const SPENT_BY_USER_IN_MONTH = `SELECT SUM(e.amount) AS n FROM ledger_entries e JOIN ledger_ops o ON o.id = e.op_id
  WHERE e.credit_account = 'sys:spend' AND e.is_pending = 0 AND o.user_id = ? AND substr(e.day, 1, 7) = ?`;
const summed = async (r: Real, sql: string, args: string[]): Promise<number> => (await r.core.engine.get<{ n: number | null }>(sql, args))?.n ?? 0;

/** What the runs exercised (on the engine under test), printed at the end so a reader can see the interesting cases happened. */
const freshStats = () => ({ commands: 0, refusedReserves: 0, captures: 0, overReserve: 0, releasedAfterMonthEnd: 0, monthEnds: 0, restarts: 0, conflicts: 0, replays: 0 });
let stats = freshStats();

function account(m: Model, id: string, surface: Surface, kind: Acc['kind'], cycle?: { start: string; end: string }): Acc {
  let a = m.accounts.get(id);
  if (!a) {
    a = { surface, kind, cycleStart: cycle?.start ?? '', cycleEnd: cycle?.end ?? '', posted: 0, pending: 0, closed: false };
    m.accounts.set(id, a);
  }
  return a;
}

/** Expiry at cycle ends and the current cycle's allowance: what syncPlan does. */
function syncModel(m: Model): void {
  const today = dayOf(m.now);
  for (const a of m.accounts.values()) {
    if (a.kind === 'allowance' && !a.closed && a.cycleEnd <= today) {
      a.posted -= avail(a);
      a.closed = true;
    }
  }
  const c = cycleAt(m.now, ALLOWANCE);
  const id = `web:allowance:${c.start}`;
  if (!m.accounts.has(id)) account(m, id, 'web', 'allowance', c).posted += ALLOWANCE.credits;
}

function sources(m: Model, s: Surface): [string, Acc][] {
  const order = { allowance: 0, grant: 1, purchased: 2 };
  return [...m.accounts.entries()]
    .filter(([, a]) => a.surface === s && !a.closed)
    .sort(([, a], [, b]) => order[a.kind] - order[b.kind] || a.cycleStart.localeCompare(b.cycleStart));
}

function drain(m: Model, s: Surface, amount: number): { legs: { account: string; credits: number }[]; short: number } {
  const legs: { account: string; credits: number }[] = [];
  let left = amount;
  for (const [id, a] of sources(m, s)) {
    const take = Math.min(left, avail(a));
    if (take > 0) legs.push({ account: id, credits: take });
    left -= take;
  }
  return { legs, short: left };
}

/** What dispatch does first with a call's input: the contract's schema, VALIDATION naming the field. */
function refuseAtContract(call: keyof typeof contract, input: unknown): void {
  const r = contract[call].input.safeParse(input);
  if (!r.success) throw validationError(r.error.issues, call);
}

async function expectCode(fn: () => unknown, code: string): Promise<void> {
  if (code === 'CONFLICT') stats.conflicts++;
  let got = 'no error';
  try {
    await fn();
  } catch (e) {
    got = (e as { code?: string }).code ?? String(e);
  }
  expect(got).toBe(code);
}

async function verify(m: Model, r: Real): Promise<void> {
  const ledger = r.core.ledger;
  await ledger.balances(); // applies a due cycle reset, as the app does before showing balances
  const audit = await ledger.audit();
  expect(audit.problems).toEqual([]);
  // Sorted here, as the model is: the engines' text collations differ.
  const real = (
    await r.core.engine.all<{ id: string; posted: number; pending: number; closed: number }>(
      "SELECT id, credits_posted - debits_posted AS posted, debits_pending AS pending, CASE WHEN closed_at IS NULL THEN 0 ELSE 1 END AS closed FROM ledger_accounts WHERE kind <> 'system'",
    )
  ).sort((a, b) => a.id.localeCompare(b.id));
  const model = [...m.accounts.entries()].map(([id, a]) => ({ id, posted: a.posted, pending: a.pending, closed: a.closed ? 1 : 0 })).sort((a, b) => a.id.localeCompare(b.id));
  expect(real.filter((x) => x.posted !== 0 || x.pending !== 0 || model.some((y) => y.id === x.id))).toEqual(model.filter((x) => x.posted !== 0 || x.pending !== 0 || real.some((y) => y.id === x.id)));
  for (const row of real) expect(row.posted - row.pending).toBeGreaterThanOrEqual(0);
  const resolutions = await r.core.engine.all<{ rid: string; n: number }>("SELECT reservation_id AS rid, count(*) AS n FROM ledger_ops WHERE kind IN ('capture','void') GROUP BY reservation_id");
  for (const x of resolutions) expect(x.n).toBe(1);
  // The guard and the spend notices read running totals; they must say what summing the entries says.
  const state = await ledger.guardState('prj_p');
  const day = dayOf(m.now);
  for (const surface of ['web', 'local'] as const) expect(state.spentToday[surface]).toBe(await summed(r, SPENT_ON_DAY, [day, surface]));
  expect(state.project?.spent).toBe(await summed(r, SPENT_BY_PROJECT, ['prj_p']));
  const month = day.slice(0, 7);
  const userSpend = await r.core.engine.get<{ posted: number }>("SELECT posted FROM ledger_spend WHERE scope = 'user' AND key = 'ana' AND period = ?", [month]);
  expect(userSpend?.posted ?? 0).toBe(await summed(r, SPENT_BY_USER_IN_MONTH, ['ana', month]));
  for (const res of m.reservations) {
    expect((await ledger.reservation(res.id)).state).toBe(res.state);
    expect(resolutions.some((x) => x.rid === res.id)).toBe(res.state !== 'pending');
  }
}

type Cmd = fc.AsyncCommand<Model, Real>;
const cmd = (name: string, check: (m: Model) => boolean, run: (m: Model, r: Real) => Promise<void>): Cmd => ({
  check,
  async run(m, r) {
    stats.commands++;
    await run(m, r);
    await verify(m, r);
  },
  toString: () => name,
});

const grant = (pool: 'web:grant' | 'local:grant', credits: number) =>
  cmd(`grant(${pool}, ${credits})`, () => true, async (m, r) => {
    const id = `g${m.seq++}`;
    // Malformed credits never reach the ledger: the contract (dispatch's one validation) refuses them, naming the field.
    if (!Number.isInteger(credits) || credits <= 0) return await expectCode(async () => refuseAtContract('credits.grant', { id, pool, credits }), 'VALIDATION');
    await r.core.ledger.grant({ id, pool, credits });
    account(m, pool, pool.startsWith('web') ? 'web' : 'local', 'grant').posted += credits;
    m.ops.push({ id, kind: 'grant', input: { id, pool, credits } });
  });

const purchase = (credits: number) =>
  cmd(`purchase(${credits})`, () => true, async (m, r) => {
    const id = `p${m.seq++}`;
    if (credits < 1000) return await expectCode(async () => await r.core.ledger.purchase({ id, surface: 'web', credits }), 'VALIDATION');
    await r.core.ledger.purchase({ id, surface: 'web', credits });
    account(m, 'web:purchased', 'web', 'purchased').posted += credits;
    m.ops.push({ id, kind: 'purchase', input: { id, surface: 'web', credits } });
  });

const reserve = (web: number, local: number) =>
  cmd(`reserve(web ${web}, local ${local})`, () => true, async (m, r) => {
    const id = `r${m.seq++}`;
    const amounts: Partial<Record<Surface, number>> = {};
    if (web > 0 || local === 0) amounts.web = web;
    if (local > 0) amounts.local = local;
    const input = { id, jobId: `job-${id}`, projectId: 'prj_p', userId: 'ana', stage: 'generate' as const, artifactClass: 'preview' as const, amounts };
    const plans = (Object.keys(amounts) as Surface[]).map((s) => ({ s, ...drain(m, s, amounts[s]!) }));
    if (plans.some((p) => p.short > 0)) {
      stats.refusedReserves++;
      return await expectCode(async () => await r.core.ledger.reserve(input), 'INSUFFICIENT_CREDITS');
    }
    await r.core.ledger.reserve(input);
    const legs = plans.flatMap((p) => p.legs);
    for (const l of legs) m.accounts.get(l.account)!.pending += l.credits;
    m.reservations.push({ id, amounts, legs, state: 'pending', actual: null });
    m.ops.push({ id, kind: 'reserve', input });
  });

function release(m: Model, leg: { account: string; credits: number }, posted: number): void {
  const a = m.accounts.get(leg.account)!;
  a.pending -= leg.credits;
  a.posted -= posted;
  if (a.closed && leg.credits > posted) {
    a.posted -= leg.credits - posted; // released into an ended cycle: expires at once
    stats.releasedAfterMonthEnd++;
  }
}

/** Mostly a live reservation; sometimes any (to exercise double resolution). */
function choose(m: Model, pick: number): Res {
  const live = m.reservations.filter((x) => x.state === 'pending');
  const from = pick % 4 !== 0 && live.length > 0 ? live : m.reservations;
  return from[Math.floor(pick / 4) % from.length]!;
}

const capture = (pick: number, percent: number) =>
  cmd(`capture(#${pick}, ${percent}%)`, (m) => m.reservations.length > 0, async (m, r) => {
    const res = choose(m, pick);
    const main: Surface = res.amounts.web !== undefined ? 'web' : 'local';
    const actual = Math.round(((res.amounts[main] ?? 0) * percent) / 100);
    if (res.state !== 'pending') {
      if (res.state === 'captured' && res.actual === actual) return expect((await r.core.ledger.capture(res.id, actual)).replayed).toBe(true);
      return await expectCode(async () => await r.core.ledger.capture(res.id, actual), 'CONFLICT');
    }
    const s = await r.core.ledger.capture(res.id, actual);
    stats.captures++;
    for (const surface of Object.keys(res.amounts) as Surface[]) {
      let want = surface === main ? actual : res.amounts[surface]!;
      const held = res.legs.filter((l) => m.accounts.get(l.account)!.surface === surface);
      const total = held.reduce((n, l) => n + l.credits, 0);
      for (const l of held) {
        const take = Math.min(want, l.credits);
        release(m, l, take);
        want -= take;
      }
      const over = (surface === main ? actual : 0) - total;
      if (over > 0) {
        stats.overReserve++;
        const d = drain(m, surface, over);
        expect(s.excess?.charged).toBe(d.short === 0);
        if (d.short === 0) for (const l of d.legs) m.accounts.get(l.account)!.posted -= l.credits;
      }
    }
    res.state = 'captured';
    res.actual = actual;
  });

const voidIt = (pick: number) =>
  cmd(`void(#${pick})`, (m) => m.reservations.length > 0, async (m, r) => {
    const res = choose(m, pick);
    if (res.state === 'voided') return expect((await r.core.ledger.void(res.id, 'cancelled')).replayed).toBe(true);
    if (res.state === 'captured') return await expectCode(async () => await r.core.ledger.void(res.id, 'cancelled'), 'CONFLICT');
    await r.core.ledger.void(res.id, 'cancelled');
    for (const l of res.legs) release(m, l, 0);
    res.state = 'voided';
  });

const resend = (pick: number, isAltered: boolean) =>
  cmd(`resend(#${pick}${isAltered ? ', altered' : ''})`, (m) => m.ops.length > 0, async (m, r) => {
    const op = m.ops[pick % m.ops.length]!;
    const input = structuredClone(op.input) as Record<string, unknown>;
    if (isAltered) {
      if (op.kind === 'reserve') input.jobId = `${String(input.jobId)}-other`;
      else input.credits = (input.credits as number) + 1;
    }
    const call = async () =>
      op.kind === 'grant' ? await r.core.ledger.grant(input as never) : op.kind === 'purchase' ? await r.core.ledger.purchase(input as never) : await r.core.ledger.reserve(input as never);
    if (isAltered) await expectCode(call, 'CONFLICT');
    else {
      stats.replays++;
      await call();
    }
  });

const advance = (hours: number) =>
  cmd(`advance(${hours} h)`, () => true, async (m, r) => {
    if (cycleAt(m.now, ALLOWANCE).start !== cycleAt(m.now + hours * 3_600_000, ALLOWANCE).start) stats.monthEnds++;
    m.now += hours * 3_600_000;
    r.clock.t = m.now;
    syncModel(m);
  });

const restart = () =>
  cmd('restart', () => true, async (_m, r) => {
    stats.restarts++;
    await r.core.dispose();
    r.core = await openOn(r);
  });

const reserveCmd = fc.tuple(fc.integer({ min: 0, max: 900 }), fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4000 }))).map(([w, l]) => reserve(w, l));
const captureCmd = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 150 })).map(([p, pc]) => capture(p, pc));
/** Weighted by repetition: money moves most often; restarts are rarer (and slower). */
const commands = [
  fc.tuple(fc.constantFrom('web:grant' as const, 'local:grant' as const), fc.oneof(fc.integer({ min: 1, max: 400 }), fc.constantFrom(0, -3, 2.5))).map(([p, c]) => grant(p, c)),
  fc.oneof(fc.integer({ min: 1000, max: 2500 }), fc.constant(999)).map(purchase),
  reserveCmd,
  reserveCmd,
  reserveCmd,
  captureCmd,
  captureCmd,
  captureCmd,
  fc.nat().map(voidIt),
  fc.tuple(fc.nat(), fc.boolean()).map(([p, a]) => resend(p, a)),
  fc.integer({ min: 1, max: 24 * 20 }).map(advance),
  fc.constant(null).map(restart),
];

/** A core on the run's data dir (SQLite) or studio database (PostgreSQL, made on first open). */
async function openOn(r: Pick<Real, 'engine' | 'dataDir' | 'clock' | 'databaseUrl'>): Promise<Core> {
  return (await testCoreOn(r.engine, { dataDir: r.dataDir, clock: r.clock, ...(r.databaseUrl ? { databaseUrl: r.databaseUrl } : {}) })).core;
}

const dirs: (() => void)[] = [];
afterAll(() => dirs.forEach((d) => d()));

for (const engine of ENGINES) describeWith(engine === 'postgres' ? [pgNeed] : [], `credit ledger, model-based (L1–L4, L6–L8) · ${engine}`, () => {
  it('matches the model after every step of random grant/purchase/reserve/capture/void/expire/resend/restart', async () => {
    stats = freshStats();
    console.log(`ledger property seed on ${engine}: ${SEED} (replay: LEDGER_SEED=${SEED} npx vitest run electron/core/money/creditLedger.property.test.ts)`);
    const planText = readFileSync(join(findResourcesDir(), 'plans', 'runway-standard.yaml'), 'utf8')
      .replace('name: runway-standard', `name: ${PLAN}`)
      .replace('over_reserve: cap', 'over_reserve: debit');
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 60, size: 'max' }), async (cmds) => {
        const t = tempDir('ct-vopr-');
        dirs.push(t.cleanup);
        mkdirSync(join(t.dir, 'plans'));
        writeFileSync(join(t.dir, 'plans', `${PLAN}.yaml`), planText);
        const clock = new FakeClock(Date.parse('2026-11-22T10:00:00Z'));
        const first = await testCoreOn(engine, { dataDir: t.dir, clock });
        const real: Real = { engine, core: first.core, clock, dataDir: t.dir, databaseUrl: first.databaseUrl };
        await real.core.money.activate(PLAN);
        const model: Model = { now: clock.t, seq: 0, accounts: new Map(), reservations: [], ops: [] };
        account(model, 'local:grant', 'local', 'grant').posted = 10_000;
        syncModel(model);
        try {
          await verify(model, real);
          await fc.asyncModelRun(() => ({ model, real }), cmds);
        } finally {
          await real.core.dispose();
        }
      }),
      { seed: SEED, numRuns: RUNS[engine] },
    );
    console.log(`ledger property on ${engine}: ${RUNS[engine]} runs, ${JSON.stringify(stats)}`);
  }, 600_000);
});
