import type { z } from 'zod';
import { AppError } from '../../../shared/errors';
import type { GuardState } from '../../../shared/money/guards';
import {
  type AdjustRequest,
  type GrantRequest,
  type PurchaseRequest,
  type RefundRequest,
  type ReserveRequest,
  type Balances,
  type HistoryEntry,
  type Reservation,
  type Settlement,
} from '../../../shared/money/ledgerTypes';
import type { PlanConfig } from '../../../shared/money/planSchema';
import { MAX_CREDITS_PER_OP, PositiveCredits } from '../../../shared/money/pools';
import type { CoreEvents } from '../coreEvents';
import { constraintOf, MONEY_WRITER, type Queryable, type SqlEngine } from '../db/engine/sqlEngine';
import type { Clock, Logger, Notifier } from '../ports';
import { Books, ensureSystemAccounts, nowOf, type Now } from './ledgerBooks';
import type { LedgerCtx } from './ledgerContext';
import { syncCycles } from './ledgerCycles';
import { LedgerUnsafeError } from './ledgerErrors';
import { adjustCredits, balancesAfterWrite, grantCredits, purchaseCredits } from './ledgerIssue';
import { LedgerNotices } from './ledgerNotices';
import { ledgerStatements, type LedgerStatements } from './ledgerRepo';
import { reserveCredits } from './ledgerReserve';
import { mirrorProvider, type MirrorResult, type ProviderReading } from './providerMirror';
import { refundCaptured, settle, type Actual } from './ledgerSettle';
import { auditSpend, guardStateOf } from './ledgerSpend';
import { audit, checkTotals, configuredPools, readBalances, readHistory, reservationView, reservationViews, type AuditReport, type HistoryQuery } from './ledgerViews';

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
 *
 * This class holds the transactions and the reads; the moves run inside them: ledgerIssue.ts (grant,
 * purchase, adjust), ledgerReserve.ts, ledgerSettle.ts (capture, void, refund), ledgerCycles.ts (syncPlan).
 */
export interface CreditLedgerDeps {
  engine: SqlEngine;
  events: CoreEvents;
  clock: Clock;
  logger: Logger;
  notifier: Notifier;
  /** The plan in force: pool rules, allowance cycles, settlement policy, budgets. */
  plan: () => PlanConfig;
  /** Settles when `plan` answers from the database (PlanRegistry.ready): the books open after it. */
  planReady?: Promise<unknown>;
}

export class CreditLedger {
  private readonly notices: LedgerNotices;
  private unsafe: string[] = [];
  /** The statements on the engine itself (outside any transaction); they do not wait for `ready`. */
  private readonly onEngine: LedgerStatements;
  /** The books opened: system accounts, the startup audit, then the plan applied (when the books are safe). */
  readonly ready: Promise<void>;

  constructor(private readonly d: CreditLedgerDeps) {
    this.onEngine = ledgerStatements(d.engine);
    this.notices = new LedgerNotices({
      engine: d.engine,
      events: d.events,
      notifier: d.notifier,
      clock: d.clock,
      plan: d.plan,
      // As committed: no cycle reset here (a write from inside the announcing would wait on itself).
      balances: () => readBalances(this.onEngine, configuredPools(this.d.plan()), this.t().iso),
    });
    this.ready = this.open();
    this.ready.catch(() => {}); // a failure is answered to every caller that awaits it
  }

  private async open(): Promise<void> {
    await this.d.planReady;
    await this.d.engine.tx((q) => ensureSystemAccounts(ledgerStatements(q)), { idempotent: true });
    // Accounts only (their cached totals balance, nothing overdrawn): the same cost at any length of history.
    // `audit()` (circletake ledger audit) rebuilds every total from the entries.
    const report = await checkTotals(this.onEngine);
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
    return this.write((c) => grantCredits(c, req));
  }

  /** Bought credits (never expire): refused on plans that cannot buy, and below the plan's minimum. */
  purchase(req: z.output<typeof PurchaseRequest>): Promise<Balances> {
    return this.write((c) => purchaseCredits(c, req));
  }

  /** A correction with a reason: adds credits, or removes available ones (never below zero). */
  adjust(req: z.output<typeof AdjustRequest>): Promise<Balances> {
    return this.write((c) => adjustCredits(c, req));
  }

  // ── reservations ────────────────────────────────────────────────────────────

  /** Called by the queue inside its submit transaction (`q`) with amounts it priced (whole credits): not parsed again. */
  reserve(req: z.output<typeof ReserveRequest>, q?: Queryable): Promise<Reservation> {
    return this.write((c) => reserveCredits(c, req), q);
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
      return balancesAfterWrite(c);
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
    return reservationViews(s, await s.reservationsOfJob.all({ job: jobId }));
  }

  /** The job's latest reservation, if any. */
  async reservationForJob(jobId: string, q?: Queryable): Promise<Reservation | undefined> {
    const all = await this.reservationsForJob(jobId, q);
    return all[all.length - 1];
  }

  async pendingReservations(q?: Queryable): Promise<Reservation[]> {
    const s = await this.opened(q);
    return reservationViews(s, await s.pendingReservations.all());
  }

  /** Balances per pool and surface. Applies a due cycle reset first (so an ended allowance is never shown). */
  async balances(q?: Queryable): Promise<Balances> {
    const s = await this.opened(q);
    if (this.unsafe.length === 0 && (await s.dueAllowances.get({ today: this.t().day }))) await this.syncPlan(q);
    return readBalances(s, configuredPools(this.d.plan()), this.t().iso);
  }

  async history(f: HistoryQuery = {}): Promise<HistoryEntry[]> {
    return readHistory(await this.opened(), f);
  }

  /**
   * What the guard needs to know about recorded spend (see shared/money/guards.ts): a few rows, however
   * long the books are. `userId`: the submitting member, whose limits (if an admin set any) apply.
   */
  async guardState(projectId?: string | null, q?: Queryable, userId?: string | null): Promise<GuardState> {
    const s = await this.opened(q);
    const balances = await this.balances(q);
    return guardStateOf({ balances, plan: this.d.plan(), s, projectId: projectId ?? null, userId: userId ?? null, t: this.t() });
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
    const books = await audit(this.onEngine);
    const problems = [...books.problems, ...(await auditSpend(this.onEngine))];
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

  /** Reads outside a transaction wait for the books to open (a read inside the caller's transaction cannot wait). */
  private async opened(q?: Queryable): Promise<LedgerStatements> {
    if (q) return ledgerStatements(q);
    await this.ready;
    return this.onEngine;
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
    const run = () => this.d.engine.tx((tq) => fn(this.ctxOf(tq)), { isolation: 'lockRows', writer: MONEY_WRITER, idempotent: true });
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
}

/** A write's context: the ledger's helpers (cycles, settlement) plus the Queryable it runs on. */
type WriteCtx = LedgerCtx & { q: Queryable };
