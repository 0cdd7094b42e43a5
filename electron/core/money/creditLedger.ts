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
import type { Db } from '../db/db';
import type { Clock, Logger, Notifier } from '../ports';
import { drain, type Leg } from './drawPlan';
import { Books, nowOf, withDeltas, type Now } from './ledgerBooks';
import type { LedgerCtx } from './ledgerContext';
import { syncCycles } from './ledgerCycles';
import { InsufficientCreditsError, LedgerUnsafeError, type Shortfall } from './ledgerErrors';
import { LedgerNotices } from './ledgerNotices';
import { prepareLedger, SYS, type LedgerStatements } from './ledgerRepo';
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
 * Transactions: every method runs in db.immediate(), so called inside an outer core.db.immediate() (the
 * queue's submit or settle) it becomes a savepoint and commits with the caller's rows. `credits.changed`
 * is emitted once the outermost transaction has ended, and only for ops that were committed.
 */
export interface CreditLedgerDeps {
  db: Db;
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
  private readonly s: LedgerStatements;
  private readonly books: Books;
  private readonly notices: LedgerNotices;
  private readonly ctx: LedgerCtx;
  private readonly unsafe: string[];

  constructor(private readonly d: CreditLedgerDeps) {
    this.s = prepareLedger(d.db.conn);
    this.books = new Books(this.s);
    this.notices = new LedgerNotices({
      db: d.db,
      s: this.s,
      events: d.events,
      notifier: d.notifier,
      clock: d.clock,
      plan: d.plan,
      balances: () => readBalances(this.s, this.configuredPools(), this.t().iso),
      spend: this.books.spend,
    });
    this.ctx = {
      s: this.s,
      books: this.books,
      plan: d.plan,
      logger: d.logger,
      now: () => this.t(),
      note: (kind, opId, rid, job, user) => this.notices.note(kind, opId, rid ?? null, job ?? null, user ?? null),
    };
    // Accounts only (their cached totals balance, nothing overdrawn): the same cost at any length of history.
    // `audit()` (circletake ledger audit) rebuilds every total from the entries.
    const report = checkTotals(this.s);
    this.unsafe = report.problems;
    if (!report.ok) d.logger.log('error', 'credit ledger failed its startup audit; money writes refused (safe mode)', { problems: report.problems });
  }

  // ── grants, purchases, adjustments ──────────────────────────────────────────

  /** Applies the active plan: one-time grants, the current cycle's allowance, and expiry of ended cycles. */
  syncPlan(): void {
    this.write(() => syncCycles(this.ctx, this.t()));
  }

  /** Requests arrive as the contract parsed them (credits.grant/purchase/adjust): the ledger does not parse them again. */
  grant(req: z.output<typeof GrantRequest>): Balances {
    const { surface, kind } = parsePoolId(req.pool)!;
    const request = { pool: req.pool, credits: req.credits, reason: req.reason ?? null };
    return this.write(() => {
      if (this.books.existing(req.id, 'grant', request)) return this.answer();
      this.withinIssueBound(req.pool, req.credits);
      const t = this.t();
      const account = this.books.poolAccount(this.d.plan(), surface, kind, t);
      this.books.insertOp(req.id, 'grant', request, { account }, t, { reason: req.reason ?? null });
      this.books.transfer(`${req.id}#0`, req.id, SYS.issuance, account, req.credits, t);
      this.ctx.note('grant', req.id);
      return this.answer();
    });
  }

  /** Bought credits (never expire): refused on plans that cannot buy, and below the plan's minimum. */
  purchase(req: z.output<typeof PurchaseRequest>): Balances {
    const plan = this.d.plan();
    const rules = plan.pools[req.surface];
    const request = { surface: req.surface, credits: req.credits, reason: req.reason ?? null };
    return this.write(() => {
      if (this.books.existing(req.id, 'purchase', request)) return this.answer();
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
      this.withinIssueBound(poolId(req.surface, 'purchased'), req.credits);
      const t = this.t();
      const account = this.books.poolAccount(plan, req.surface, 'purchased', t);
      this.books.insertOp(req.id, 'purchase', request, { account }, t, { reason: req.reason ?? null });
      this.books.transfer(`${req.id}#0`, req.id, SYS.issuance, account, req.credits, t);
      this.ctx.note('purchase', req.id);
      return this.answer();
    });
  }

  /** A correction with a reason: adds credits, or removes available ones (never below zero). */
  adjust(req: z.output<typeof AdjustRequest>): Balances {
    const { surface, kind } = parsePoolId(req.pool)!;
    const request = { pool: req.pool, credits: req.credits, reason: req.reason };
    return this.write(() => {
      if (this.books.existing(req.id, 'adjust', request)) return this.answer();
      if (req.credits > 0) this.withinIssueBound(req.pool, req.credits);
      const t = this.t();
      const account = this.books.poolAccount(this.d.plan(), surface, kind, t);
      const has = this.books.snapshot([surface])[req.pool] ?? 0;
      if (req.credits < 0 && -req.credits > has) this.insufficient([{ surface, pool: req.pool, needed: -req.credits, available: has, shortfall: -req.credits - has, byPool: { [req.pool]: has } }]);
      this.books.insertOp(req.id, 'adjust', request, { account }, t, { reason: req.reason });
      if (req.credits > 0) this.books.transfer(`${req.id}#0`, req.id, SYS.issuance, account, req.credits, t);
      else this.books.transfer(`${req.id}#0`, req.id, account, SYS.issuance, -req.credits, t);
      this.ctx.note('adjust', req.id);
      return this.answer();
    });
  }

  // ── reservations ────────────────────────────────────────────────────────────

  /** Called by the queue inside its submit transaction with amounts it priced (whole credits): not parsed again. */
  reserve(req: z.output<typeof ReserveRequest>): Reservation {
    const amounts: Partial<Record<Surface, number>> = {};
    for (const s of SURFACES) if (req.amounts[s] !== undefined) amounts[s] = req.amounts[s];
    const request = { jobId: req.jobId, projectId: req.projectId, userId: req.userId ?? null, stage: req.stage, artifactClass: req.artifactClass, amounts };
    return this.write(() => {
      const prior = this.books.existing(req.id, 'reserve', request);
      if (prior) return reservationView(this.s, prior);
      const t = this.t();
      syncCycles(this.ctx, t);
      const surfaces = Object.keys(amounts) as Surface[];
      const before = this.books.snapshot(surfaces);
      const legs: Leg[] = [];
      const short: Shortfall[] = [];
      for (const s of surfaces) {
        const plan = drain(this.books.sources(s), amounts[s]!);
        legs.push(...plan.legs);
        if (plan.shortfall > 0) short.push(this.shortfall(s, amounts[s]!, plan.shortfall));
      }
      if (short.length > 0) this.insufficient(short);
      const deltas: Record<string, number> = {};
      for (const l of legs) deltas[l.pool] = (deltas[l.pool] ?? 0) - l.credits;
      const result = { legs, creditsBefore: before, creditsAfter: withDeltas(before, deltas) };
      this.books.insertOp(req.id, 'reserve', request, result, t, {
        job_id: req.jobId,
        project_id: req.projectId,
        user_id: req.userId ?? null,
        stage: req.stage,
        artifact_class: req.artifactClass,
      });
      legs.forEach((l, i) => this.books.transfer(`${req.id}#${i}`, req.id, l.account, SYS.spend, l.credits, t, true));
      this.ctx.note('reserve', req.id, req.id, req.jobId, req.userId ?? null);
      // The view of what was just written (as reservation(id) reads it back), built without reading it back.
      const held = legs.filter((l) => l.credits > 0);
      return {
        id: req.id, jobId: req.jobId, projectId: req.projectId, userId: req.userId ?? null, stage: req.stage, artifactClass: req.artifactClass,
        state: 'pending', amounts, reserved: held.reduce((n, l) => n + l.credits, 0), captured: null,
        legs: held.map((l) => ({ pool: l.pool, account: l.account, credits: l.credits, captured: null })),
        creditsBefore: result.creditsBefore, creditsAfter: result.creditsAfter, createdAt: t.iso, resolvedAt: null, resolvedBy: null,
      };
    });
  }

  /**
   * Settles a reservation at the actual cost: `actual` is the credits on the job's provider surface (the
   * platform fee is captured as reserved), or a per-surface map. Up to the reservation is captured and
   * the rest released; above it, the plan's over_reserve policy applies.
   */
  capture(reservationId: string, actual: Actual, opts: { id?: string } = {}): Settlement {
    return this.write(() => settle(this.ctx, 'capture', reservationId, actual, null, opts.id ?? `resolve:${reservationId}`));
  }

  /** Releases the whole reservation (provider failure refunded, cancel before submission, abandon). */
  void(reservationId: string, reason: string, opts: { id?: string } = {}): Settlement {
    if (typeof reason !== 'string' || reason.trim() === '') throw new AppError('VALIDATION', 'reason: say why the reservation is voided', { field: 'reason' });
    return this.write(() => settle(this.ctx, 'void', reservationId, 0, reason, opts.id ?? `resolve:${reservationId}`));
  }

  /** Gives back captured credits (a provider refund after settlement), up to what the job was charged. */
  refund(req: z.output<typeof RefundRequest>): Balances {
    return this.write(() => {
      refundCaptured(this.ctx, req);
      return this.answer();
    });
  }

  /**
   * Mirrors a provider balance reading into the books (provider_sync, see providerMirror.ts) — only when
   * the reading is conclusive: `isQuiet` (nothing of ours in flight at the provider) holds inside this
   * transaction and no entry was written since `sinceEntry`. Returns null when it was not.
   */
  providerSync(reading: ProviderReading, opts: { sinceEntry: number | null; isQuiet: () => boolean }): MirrorResult | null {
    return this.write(() => (opts.isQuiet() && this.lastEntry() === opts.sinceEntry ? mirrorProvider(this.ctx, reading) : null));
  }

  // ── reads ───────────────────────────────────────────────────────────────────

  /** The newest entry's rowid (null on empty books): a cheap "has anything been written since?". */
  lastEntry(): number | null {
    return this.s.lastEntry.get()?.n ?? null;
  }

  reservation(id: string): Reservation {
    const op = this.s.op.get({ id });
    if (!op || op.kind !== 'reserve') throw new AppError('NOT_FOUND', `No reservation ${id}.`, { field: 'reservationId', reservationId: id });
    return reservationView(this.s, op);
  }

  reservationsForJob(jobId: string): Reservation[] {
    return this.s.reservationsOfJob.all({ job: jobId }).map((op) => reservationView(this.s, op));
  }

  /** The job's latest reservation, if any. */
  reservationForJob(jobId: string): Reservation | undefined {
    const all = this.reservationsForJob(jobId);
    return all[all.length - 1];
  }

  pendingReservations(): Reservation[] {
    return this.s.pendingReservations.all().map((op) => reservationView(this.s, op));
  }

  /** Balances per pool and surface. Applies a due cycle reset first (so an ended allowance is never shown). */
  balances(): Balances {
    if (this.unsafe.length === 0 && this.s.dueAllowances.get({ today: this.t().day })) this.syncPlan();
    return readBalances(this.s, this.configuredPools(), this.t().iso);
  }

  history(f: HistoryQuery = {}): HistoryEntry[] {
    const rows = this.s.history.all({
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
  guardState(projectId?: string | null): GuardState {
    const budget = projectId ? (this.s.budget.get({ project: projectId })?.credits ?? null) : null;
    return guardStateOf({ balances: this.balances(), plan: this.d.plan(), spend: this.books.spend, projectId: projectId ?? null, budget, t: this.t() });
  }

  setProjectBudget(projectId: string, budget: number | null): { projectId: string; budget: number | null } {
    if (budget !== null && !PositiveCredits.safeParse(budget).success) {
      throw new AppError('VALIDATION', `budget: must be a whole number of credits from 1 to ${MAX_CREDITS_PER_OP.toLocaleString('en-US')}, or null for no budget`, { field: 'budget' });
    }
    this.d.db.immediate(() => {
      if (budget === null) this.s.clearBudget.run({ project: projectId });
      else this.s.setBudget.run({ project: projectId, credits: budget, now: this.t().iso });
    });
    return { projectId, budget };
  }

  /** The full audit: account totals rebuilt from the entries (L1, L2, L5) and the running spend totals recomputed. */
  audit(): AuditReport {
    const books = audit(this.s);
    const problems = [...books.problems, ...auditSpend(this.s)];
    return { ...books, ok: problems.length === 0, problems };
  }

  /** False when the startup audit found the books tampered with (money writes are refused). */
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

  /**
   * A write's answer, read and validated inside its transaction: a figure the contract could not carry
   * rolls the write back (INTERNAL) instead of committing books that every later read would fail on.
   */
  private answer(): Balances {
    const t = this.t();
    if (this.s.dueAllowances.get({ today: t.day })) syncCycles(this.ctx, t);
    const b = readBalances(this.s, this.configuredPools(), t.iso);
    const r = BalancesSchema.safeParse(b);
    if (!r.success) throw new AppError('INTERNAL', 'ledger: the balances after this write are out of bounds; nothing was written', { issues: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    return b;
  }

  /** All credits ever brought into the books (net) stay within MAX_CREDITS_TOTAL, so every total is an exact integer. */
  private withinIssueBound(pool: string, credits: number): void {
    // Credits enter the books from sys:issuance (grants, purchases, allowances) and sys:provider (a provider's balance mirrored).
    const issued = [SYS.issuance, SYS.provider].reduce((n, id) => {
      const a = this.s.account.get({ id });
      return n + (a ? a.debits_posted - a.credits_posted : 0);
    }, 0);
    if (issued + credits > MAX_CREDITS_TOTAL) {
      throw new AppError(
        'VALIDATION',
        `credits: ${credits.toLocaleString('en-US')} more credits into ${pool} would put ${(issued + credits).toLocaleString('en-US')} in the books, above the ${MAX_CREDITS_TOTAL.toLocaleString('en-US')} (10^15) they can hold exactly`,
        { field: 'credits', pool, issued, max: MAX_CREDITS_TOTAL },
      );
    }
  }

  private write<T>(fn: () => T): T {
    if (this.unsafe.length > 0) throw new LedgerUnsafeError(this.unsafe);
    try {
      return this.d.db.immediate(fn);
    } finally {
      this.notices.schedule();
    }
  }

  private shortfall(surface: Surface, needed: number, short: number): Shortfall {
    const byPool = this.books.snapshot([surface]);
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
