import type { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { cycleAt } from '../../../shared/money/cycles';
import type { GuardState } from '../../../shared/money/guards';
import {
  type AdjustRequest,
  Balances as BalancesSchema,
  type GrantRequest,
  HistoryFilter,
  type PurchaseRequest,
  type RefundRequest,
  type ReserveRequest,
  type Balances,
  type HistoryEntry,
  type Reservation,
  type Settlement,
} from '../../../shared/money/ledgerTypes';
import type { PlanConfig } from '../../../shared/money/planSchema';
import { DRAW_ORDER, MAX_CREDITS_PER_OP, MAX_CREDITS_TOTAL, parsePoolId, poolId, PositiveCredits, SURFACES, type Surface } from '../../../shared/money/pools';
import type { CoreEvents } from '../coreEvents';
import { constraintOf, type Queryable, type SqlEngine } from '../db/engine/sqlEngine';
import type { Clock, Logger, Notifier } from '../ports';
import { drain, type Leg } from './drawPlan';
import { Books, ensureSystemAccounts, nowOf, withDeltas, type Now } from './ledgerBooks';
import type { LedgerCtx } from './ledgerContext';
import { syncCycles } from './ledgerCycles';
import { InsufficientCreditsError, LedgerUnsafeError, type Shortfall } from './ledgerErrors';
import { LedgerNotices } from './ledgerNotices';
import { ledgerStatements, SYS, type LedgerStatements } from './ledgerRepo';
import { mirrorProvider, type MirrorResult, type ProviderReading } from './providerMirror';
import { refundCaptured, settle, type Actual } from './ledgerSettle';
import { auditSpend, guardStateOf } from './ledgerSpend';
import { audit, checkTotals, historyView, readBalances, reservationView, type AuditReport } from './ledgerViews';

/**
 * INTERFACE (the job queue builds on it — keep the names and shapes):
 *   reserve({ id, jobId, projectId, userId?, stage, artifactClass, amounts: { <surface>: credits } }) → Reservation
 *     (per-pool legs, allowance first then grant then purchased; creditsBefore/creditsAfter per pool)
 *   capture(reservationId, actual, { id? }) → Settlement   (actual: credits on the job's provider surface, or per surface)
 *   void(reservationId, reason, { id? }) → Settlement       refund({ id, reservationId, credits, reason })
 *   reservation(id) · reservationsForJob(jobId) · reservationForJob(jobId) · pendingReservations()
 *   grant · purchase · adjust · syncPlan() (cycle allowance, one-time grants, expiry at cycle end)
 *   balances() · history(filter) · guardState(projectId?) · setProjectBudget · audit() · dispose()
 *
 * Double-entry and append-only (migration 0100): every write is an op keyed by the caller's idempotency
 * id. An identical resend returns the first result and changes nothing; the same id with other fields
 * throws IdempotencyConflictError. capture/void default to the id `resolve:<reservationId>`; resolving an
 * already-resolved reservation throws ReservationResolvedError. Amounts are integer credits; no pool goes
 * below zero counting reservations (InsufficientCreditsError). Actual cost above the reservation follows
 * the plan's settlement.over_reserve: `cap` (charge the reservation) or `debit` (a separate debit that may
 * fail) — never new credits.
 *
 * Transactions (over the engine port, so the same code runs on SQLite and PostgreSQL): a write given the
 * caller's Queryable `q` (the queue's submit or settle) joins that transaction and commits with the
 * caller's rows; without one it runs in its own. On PostgreSQL money moves with explicit row locks
 * (`lockRows`: the surface's pool accounts are read FOR UPDATE, in one order, before they are decided
 * on), so concurrent movers on one pool queue instead of failing serialization; every op is keyed by an
 * idempotency id, so a commit lost with its connection is safely run again. `credits.changed` is
 * emitted after the commit (Queryable.afterCommit), and only for ops that were committed.
 */
export interface CreditLedgerDeps {
  engine: SqlEngine;
  events: CoreEvents;
  clock: Clock;
  logger: Logger;
  notifier: Notifier;
  /** The plan in force: pool rules, allowance cycles, settlement policy, budgets. */
  plan: () => PlanConfig;
}

/** The history filter as the contract parsed it; `limit` may be left out by callers inside core (the contract's default then). */
type HistoryQuery = Omit<z.output<typeof HistoryFilter>, 'limit'> & { limit?: number };
const DEFAULT_HISTORY_LIMIT = HistoryFilter.parse({}).limit;

export class CreditLedger {
  private readonly notices: LedgerNotices;
  private unsafe: string[] = [];
  /** The books opened: system accounts, the startup audit, then the plan applied (when the books are safe). */
  readonly ready: Promise<void>;

  constructor(private readonly d: CreditLedgerDeps) {
    this.notices = new LedgerNotices({
      engine: d.engine,
      events: d.events,
      notifier: d.notifier,
      clock: d.clock,
      plan: d.plan,
      // As committed: no cycle reset here (a write from inside the announcing would wait on itself).
      balances: () => readBalances(this.reads(), this.configuredPools(), this.t().iso),
    });
    this.ready = this.open();
    this.ready.catch(() => {}); // a failure is answered to every caller that awaits it
  }

  private async open(): Promise<void> {
    await this.d.engine.tx((q) => ensureSystemAccounts(ledgerStatements(q)), { idempotent: true });
    // Accounts only (their cached totals balance, nothing overdrawn): the same cost at any length of history.
    // `audit()` (circletake ledger audit) rebuilds every total from the entries.
    const report = await checkTotals(this.reads());
    this.unsafe = report.problems;
    if (!report.ok) this.d.logger.log('error', 'credit ledger failed its startup audit; money writes refused (safe mode)', { problems: report.problems });
    else await this.write((c) => syncCycles(c, this.t()), undefined, { isOpening: true });
  }

  // ── grants, purchases, adjustments ──────────────────────────────────────────

  /** Applies the active plan: one-time grants, the current cycle's allowance, and expiry of ended cycles. */
  syncPlan(q?: Queryable): Promise<void> {
    return this.write((c) => syncCycles(c, this.t()), q);
  }

  /** Requests arrive as the contract parsed them (credits.grant/purchase/adjust): the ledger does not parse them again. */
  grant(req: z.output<typeof GrantRequest>): Promise<Balances> {
    const { surface, kind } = parsePoolId(req.pool)!;
    const request = { pool: req.pool, credits: req.credits, reason: req.reason ?? null };
    return this.write(async (c) => {
      if (await c.books.existing(req.id, 'grant', request)) return this.answer(c);
      await this.withinIssueBound(c, req.pool, req.credits);
      const t = this.t();
      const account = await c.books.poolAccount(this.d.plan(), surface, kind, t);
      await c.books.insertOp(req.id, 'grant', request, { account }, t, { reason: req.reason ?? null });
      await c.books.transfer(`${req.id}#0`, req.id, SYS.issuance, account, req.credits, t);
      c.note('grant', req.id);
      return this.answer(c);
    });
  }

  /** Bought credits (never expire): refused on plans that cannot buy, and below the plan's minimum. */
  purchase(req: z.output<typeof PurchaseRequest>): Promise<Balances> {
    const plan = this.d.plan();
    const rules = plan.pools[req.surface];
    const request = { surface: req.surface, credits: req.credits, reason: req.reason ?? null };
    return this.write(async (c) => {
      if (await c.books.existing(req.id, 'purchase', request)) return this.answer(c);
      if (!rules?.purchase.allowed) {
        throw new AppError('POLICY_REFUSED', `Plan ${plan.plan.name} cannot buy ${req.surface} credits. Ways out: switch to a plan that allows purchases, or use another surface.`, {
          rule: `pools.${req.surface}.purchase.allowed`,
          pool: poolId(req.surface, 'purchased'),
        });
      }
      const min = rules.purchase.min_credits ?? 1;
      if (req.credits < min) {
        throw new AppError('VALIDATION', `credits: a purchase on plan ${plan.plan.name} must be at least ${min} credits (got ${req.credits})`, { field: 'credits', min });
      }
      const usd = rules.usd_per_credit;
      if (rules.purchase.max_usd !== undefined && usd != null && req.credits * usd > rules.purchase.max_usd) {
        throw new AppError('VALIDATION', `credits: in-app purchases on plan ${plan.plan.name} stop at $${rules.purchase.max_usd}; buy more through sales`, { field: 'credits' });
      }
      await this.withinIssueBound(c, poolId(req.surface, 'purchased'), req.credits);
      const t = this.t();
      const account = await c.books.poolAccount(plan, req.surface, 'purchased', t);
      await c.books.insertOp(req.id, 'purchase', request, { account }, t, { reason: req.reason ?? null });
      await c.books.transfer(`${req.id}#0`, req.id, SYS.issuance, account, req.credits, t);
      c.note('purchase', req.id);
      return this.answer(c);
    });
  }

  /** A correction with a reason: adds credits, or removes available ones (never below zero). */
  adjust(req: z.output<typeof AdjustRequest>): Promise<Balances> {
    const { surface, kind } = parsePoolId(req.pool)!;
    const request = { pool: req.pool, credits: req.credits, reason: req.reason };
    return this.write(async (c) => {
      if (await c.books.existing(req.id, 'adjust', request)) return this.answer(c);
      if (req.credits > 0) await this.withinIssueBound(c, req.pool, req.credits);
      const t = this.t();
      const account = await c.books.poolAccount(this.d.plan(), surface, kind, t);
      const has = (await c.books.snapshot([surface]))[req.pool] ?? 0;
      if (req.credits < 0 && -req.credits > has) this.insufficient([{ surface, pool: req.pool, needed: -req.credits, available: has, shortfall: -req.credits - has, byPool: { [req.pool]: has } }]);
      await c.books.insertOp(req.id, 'adjust', request, { account }, t, { reason: req.reason });
      if (req.credits > 0) await c.books.transfer(`${req.id}#0`, req.id, SYS.issuance, account, req.credits, t);
      else await c.books.transfer(`${req.id}#0`, req.id, account, SYS.issuance, -req.credits, t);
      c.note('adjust', req.id);
      return this.answer(c);
    });
  }

  // ── reservations ────────────────────────────────────────────────────────────

  /** Called by the queue inside its submit transaction (`q`) with amounts it priced (whole credits): not parsed again. */
  reserve(req: z.output<typeof ReserveRequest>, q?: Queryable): Promise<Reservation> {
    const amounts: Partial<Record<Surface, number>> = {};
    for (const s of SURFACES) if (req.amounts[s] !== undefined) amounts[s] = req.amounts[s];
    const request = { jobId: req.jobId, projectId: req.projectId, userId: req.userId ?? null, stage: req.stage, artifactClass: req.artifactClass, amounts };
    return this.write(async (c) => {
      const prior = await c.books.existing(req.id, 'reserve', request);
      if (prior) return reservationView(c.s, prior);
      const t = this.t();
      await syncCycles(c, t);
      const surfaces = Object.keys(amounts) as Surface[];
      const before = await c.books.snapshot(surfaces);
      const legs: Leg[] = [];
      const short: Shortfall[] = [];
      for (const s of surfaces) {
        const plan = drain(await c.books.sources(s), amounts[s]!);
        legs.push(...plan.legs);
        if (plan.shortfall > 0) short.push(await this.shortfall(c, s, amounts[s]!, plan.shortfall));
      }
      if (short.length > 0) this.insufficient(short);
      const deltas: Record<string, number> = {};
      for (const l of legs) deltas[l.pool] = (deltas[l.pool] ?? 0) - l.credits;
      const result = { legs, creditsBefore: before, creditsAfter: withDeltas(before, deltas) };
      await c.books.insertOp(req.id, 'reserve', request, result, t, {
        job_id: req.jobId,
        project_id: req.projectId,
        user_id: req.userId ?? null,
        stage: req.stage,
        artifact_class: req.artifactClass,
      });
      for (const [i, l] of legs.entries()) await c.books.transfer(`${req.id}#${i}`, req.id, l.account, SYS.spend, l.credits, t, true);
      c.note('reserve', req.id, req.id, req.jobId, req.userId ?? null);
      // The view of what was just written (as reservation(id) reads it back), built without reading it back.
      const held = legs.filter((l) => l.credits > 0);
      return {
        id: req.id, jobId: req.jobId, projectId: req.projectId, userId: req.userId ?? null, stage: req.stage, artifactClass: req.artifactClass,
        state: 'pending', amounts, reserved: held.reduce((n, l) => n + l.credits, 0), captured: null,
        legs: held.map((l) => ({ pool: l.pool, account: l.account, credits: l.credits, captured: null })),
        creditsBefore: result.creditsBefore, creditsAfter: result.creditsAfter, createdAt: t.iso, resolvedAt: null, resolvedBy: null,
      } satisfies Reservation;
    }, q);
  }

  /**
   * Settles a reservation at the actual cost: `actual` is the credits on the job's provider surface (the
   * platform fee is captured as reserved), or a per-surface map. Up to the reservation is captured and
   * the rest released; above it, the plan's over_reserve policy applies. `opts.q`: the caller's transaction.
   */
  capture(reservationId: string, actual: Actual, opts: { id?: string; q?: Queryable } = {}): Promise<Settlement> {
    return this.write((c) => settle(c, 'capture', reservationId, actual, null, opts.id ?? `resolve:${reservationId}`), opts.q);
  }

  /** Releases the whole reservation (provider failure refunded, cancel before submission, abandon). */
  void(reservationId: string, reason: string, opts: { id?: string; q?: Queryable } = {}): Promise<Settlement> {
    if (typeof reason !== 'string' || reason.trim() === '') return Promise.reject(new AppError('VALIDATION', 'reason: say why the reservation is voided', { field: 'reason' }));
    return this.write((c) => settle(c, 'void', reservationId, 0, reason, opts.id ?? `resolve:${reservationId}`), opts.q);
  }

  /** Gives back captured credits (a provider refund after settlement), up to what the job was charged. */
  refund(req: z.output<typeof RefundRequest>): Promise<Balances> {
    return this.write(async (c) => {
      await refundCaptured(c, req);
      return this.answer(c);
    });
  }

  /**
   * Mirrors a provider balance reading into the books (provider_sync, see providerMirror.ts) — only when
   * the reading is conclusive: `isQuiet` (nothing of ours in flight at the provider) holds inside this
   * transaction and no entry was written since `sinceEntry`. Returns null when it was not.
   */
  providerSync(reading: ProviderReading, opts: { sinceEntry: number | null; isQuiet: (q: Queryable) => boolean | Promise<boolean> }): Promise<MirrorResult | null> {
    return this.write(async (c) => ((await opts.isQuiet(c.q)) && (await this.lastEntry(c.q)) === opts.sinceEntry ? mirrorProvider(c, reading) : null));
  }

  // ── reads (on the engine, or inside the caller's transaction `q`) ─────────

  /** The newest entry's rowid (null on empty books): a cheap "has anything been written since?". */
  async lastEntry(q?: Queryable): Promise<number | null> {
    return (await (await this.opened(q)).lastEntry.get())?.n ?? null;
  }

  async reservation(id: string, q?: Queryable): Promise<Reservation> {
    const s = await this.opened(q);
    const op = await s.op.get({ id });
    if (!op || op.kind !== 'reserve') throw new AppError('NOT_FOUND', `No reservation ${id}.`, { field: 'reservationId', reservationId: id });
    return reservationView(s, op);
  }

  async reservationsForJob(jobId: string, q?: Queryable): Promise<Reservation[]> {
    const s = await this.opened(q);
    const out: Reservation[] = [];
    for (const op of await s.reservationsOfJob.all({ job: jobId })) out.push(await reservationView(s, op));
    return out;
  }

  /** The job's latest reservation, if any. */
  async reservationForJob(jobId: string, q?: Queryable): Promise<Reservation | undefined> {
    const all = await this.reservationsForJob(jobId, q);
    return all[all.length - 1];
  }

  async pendingReservations(q?: Queryable): Promise<Reservation[]> {
    const s = await this.opened(q);
    const out: Reservation[] = [];
    for (const op of await s.pendingReservations.all()) out.push(await reservationView(s, op));
    return out;
  }

  /** Balances per pool and surface. Applies a due cycle reset first (so an ended allowance is never shown). */
  async balances(q?: Queryable): Promise<Balances> {
    const s = await this.opened(q);
    if (this.unsafe.length === 0 && (await s.dueAllowances.get({ today: this.t().day }))) await this.syncPlan(q);
    return readBalances(s, this.configuredPools(), this.t().iso);
  }

  async history(f: HistoryQuery = {}): Promise<HistoryEntry[]> {
    const rows = await (await this.opened()).history.all({
      pool: f.pool ?? null,
      surface: f.surface ?? null,
      project: f.projectId ?? null,
      user: f.userId ?? null,
      job: f.jobId ?? null,
      stage: f.stage ?? null,
      class: f.artifactClass ?? null,
      kind: f.kind ?? null,
      day: f.day ?? null,
      limit: f.limit ?? DEFAULT_HISTORY_LIMIT,
    });
    return historyView(rows);
  }

  /** What the guard needs to know about recorded spend (see shared/money/guards.ts): a few rows, however long the books are. */
  async guardState(projectId?: string | null, q?: Queryable): Promise<GuardState> {
    const s = await this.opened(q);
    const budget = projectId ? ((await s.budget.get({ project: projectId }))?.credits ?? null) : null;
    const balances = await this.balances(q);
    return guardStateOf({ balances, plan: this.d.plan(), spend: new Books(s).spend, projectId: projectId ?? null, budget, t: this.t() });
  }

  async setProjectBudget(projectId: string, budget: number | null): Promise<{ projectId: string; budget: number | null }> {
    if (budget !== null && !PositiveCredits.safeParse(budget).success) {
      throw new AppError('VALIDATION', `budget: must be a whole number of credits from 1 to ${MAX_CREDITS_PER_OP.toLocaleString('en-US')}, or null for no budget`, { field: 'budget' });
    }
    const s = await this.opened();
    if (budget === null) await s.clearBudget.run({ project: projectId });
    else await s.setBudget.run({ project: projectId, credits: budget, now: this.t().iso });
    return { projectId, budget };
  }

  /** The full audit: account totals rebuilt from the entries (L1, L2, L5) and the running spend totals recomputed. */
  async audit(): Promise<AuditReport> {
    await this.ready;
    const books = await audit(this.reads());
    const problems = [...books.problems, ...(await auditSpend(this.reads()))];
    return { ...books, ok: problems.length === 0, problems };
  }

  /** False when the startup audit found the books tampered with (money writes are refused). Known once `ready` settles. */
  get isSafe(): boolean {
    return this.unsafe.length === 0;
  }

  dispose(): void {
    this.notices.dispose();
  }

  // ── internals ───────────────────────────────────────────────────────────────

  private t(): Now {
    return nowOf(this.d.clock.now());
  }

  private reads(q?: Queryable): LedgerStatements {
    return ledgerStatements(q ?? this.d.engine);
  }

  /** Reads outside a transaction wait for the books to open (a read inside the caller's transaction cannot wait). */
  private async opened(q?: Queryable): Promise<LedgerStatements> {
    if (!q) await this.ready;
    return this.reads(q);
  }

  /**
   * A write's answer, read and validated inside its transaction: a figure the contract could not carry
   * rolls the write back (INTERNAL) instead of committing books that every later read would fail on.
   */
  private async answer(c: WriteCtx): Promise<Balances> {
    const t = this.t();
    if (await c.s.dueAllowances.get({ today: t.day })) await syncCycles(c, t);
    const b = await readBalances(c.s, this.configuredPools(), t.iso);
    const r = BalancesSchema.safeParse(b);
    if (!r.success) throw new AppError('INTERNAL', 'ledger: the balances after this write are out of bounds; nothing was written', { issues: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    return b;
  }

  /** All credits ever brought into the books (net) stay within MAX_CREDITS_TOTAL, so every total is an exact integer. */
  private async withinIssueBound(c: WriteCtx, pool: string, credits: number): Promise<void> {
    // Credits enter the books from sys:issuance (grants, purchases, allowances) and sys:provider (a provider's balance mirrored).
    let issued = 0;
    for (const id of [SYS.issuance, SYS.provider]) {
      const a = await c.s.account.get({ id });
      issued += a ? a.debits_posted - a.credits_posted : 0;
    }
    if (issued + credits > MAX_CREDITS_TOTAL) {
      throw new AppError(
        'VALIDATION',
        `credits: ${credits.toLocaleString('en-US')} more credits into ${pool} would put ${(issued + credits).toLocaleString('en-US')} in the books, above the ${MAX_CREDITS_TOTAL.toLocaleString('en-US')} (10^15) they can hold exactly`,
        { field: 'credits', pool, issued, max: MAX_CREDITS_TOTAL },
      );
    }
  }

  /**
   * Runs a write inside the caller's transaction `q`, or in its own (row locks on PostgreSQL; safe to run
   * again, every op being keyed). Two first-time requests with one id racing on PostgreSQL: the loser's
   * insert meets the winner's key, and one more run answers it as the resend it is.
   */
  private async write<T>(fn: (c: WriteCtx) => Promise<T>, q?: Queryable, opts: { isOpening?: boolean } = {}): Promise<T> {
    if (q === undefined && !opts.isOpening) await this.ready;
    if (this.unsafe.length > 0) throw new LedgerUnsafeError(this.unsafe);
    if (q) return fn(this.ctxOf(q));
    const run = () => this.d.engine.tx((tq) => fn(this.ctxOf(tq)), { isolation: 'lockRows', idempotent: true });
    let value: T;
    try {
      value = await run();
    } catch (e) {
      if (this.d.engine.name !== 'postgres' || constraintOf(e) !== 'unique') throw e;
      value = await run();
    }
    await this.notices.settled();
    return value;
  }

  private ctxOf(q: Queryable): WriteCtx {
    const s = ledgerStatements(q);
    return {
      q,
      s,
      books: new Books(s),
      plan: this.d.plan,
      logger: this.d.logger,
      now: () => this.t(),
      note: (kind, opId, rid, job, user) => q.afterCommit(() => this.notices.note(kind, opId, rid ?? null, job ?? null, user ?? null)),
    };
  }

  private async shortfall(c: WriteCtx, surface: Surface, needed: number, short: number): Promise<Shortfall> {
    const byPool = await c.books.snapshot([surface]);
    const plan = this.d.plan();
    const configured = DRAW_ORDER.filter((k) => (k === 'allowance' ? plan.pools[surface]?.allowance : k === 'grant' ? plan.pools[surface]?.grants.length : plan.pools[surface]?.purchase.allowed));
    const last = configured[configured.length - 1] ?? 'purchased';
    return { surface, pool: poolId(surface, last), needed, available: needed - short, shortfall: short, byPool };
  }

  private insufficient(short: Shortfall[]): never {
    const plan = this.d.plan();
    const ways: string[] = [];
    for (const s of short) {
      const rules = plan.pools[s.surface as Surface];
      if (rules?.purchase.allowed) ways.push(`buy ${Math.max(s.shortfall, rules.purchase.min_credits ?? 1)} ${s.surface} credits`);
      if (rules?.allowance) ways.push(`wait for the allowance reset on ${cycleAt(this.t().ms, rules.allowance).end}`);
    }
    ways.push('a cheaper model', 'a shorter clip');
    throw new InsufficientCreditsError(short, ways);
  }

  private configuredPools(): string[] {
    const plan = this.d.plan();
    const out: string[] = [];
    for (const s of SURFACES) {
      const r = plan.pools[s];
      if (!r) continue;
      if (r.allowance) out.push(poolId(s, 'allowance'));
      if (r.grants.length > 0) out.push(poolId(s, 'grant'));
      if (r.purchase.allowed) out.push(poolId(s, 'purchased'));
    }
    return out;
  }
}

/** A write's context: the ledger's helpers (cycles, settlement) plus the Queryable it runs on. */
type WriteCtx = LedgerCtx & { q: Queryable };
