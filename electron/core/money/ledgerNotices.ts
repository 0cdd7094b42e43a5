import { monthOf } from '../../../shared/money/cycles';
import type { Balances, OpKind } from '../../../shared/money/ledgerTypes';
import type { PlanConfig } from '../../../shared/money/planSchema';
import type { CoreEvents } from '../coreEvents';
import type { Db } from '../db/db';
import type { Clock, Notifier } from '../ports';
import type { LedgerStatements } from './ledgerRepo';
import type { SpendTotals } from './ledgerSpend';

/**
 * After-commit side effects of ledger writes: one `credits.changed` per committed op (with the balances
 * as committed), and spend notices when a user's spend this month passes a plan threshold (once per
 * user, month and threshold). Writes made inside an outer transaction are announced after it ends; an op
 * rolled back with it is never announced.
 */
interface ChangeNote {
  kind: OpKind;
  opId: string;
  reservationId: string | null;
  jobId: string | null;
  userId: string | null;
}

export interface LedgerNoticesDeps {
  db: Db;
  s: LedgerStatements;
  events: CoreEvents;
  notifier: Notifier;
  clock: Clock;
  plan: () => PlanConfig;
  balances: () => Balances;
  /** Running spend totals (a user's posted spend this month). */
  spend: SpendTotals;
}

export class LedgerNotices {
  private notes: ChangeNote[] = [];
  private isScheduled = false;
  private isDisposed = false;

  constructor(private readonly d: LedgerNoticesDeps) {}

  note(kind: OpKind, opId: string, reservationId: string | null = null, jobId: string | null = null, userId: string | null = null): void {
    this.notes.push({ kind, opId, reservationId, jobId, userId });
  }

  /** Call after a write: announces now when no transaction is open, else once the outermost one ends. */
  schedule(): void {
    if (this.notes.length === 0 || this.isScheduled) return;
    if (!this.d.db.conn.inTransaction) this.flush();
    else {
      this.isScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  dispose(): void {
    this.isDisposed = true;
    this.notes = [];
  }

  private flush(): void {
    this.isScheduled = false;
    if (this.isDisposed || !this.d.db.conn.open) {
      this.notes = [];
      return;
    }
    if (this.d.db.conn.inTransaction) {
      this.isScheduled = true;
      setTimeout(() => this.flush(), 0).unref();
      return;
    }
    const notes = this.notes.splice(0).filter((n) => this.d.s.op.get({ id: n.opId }) !== undefined);
    if (notes.length === 0) return;
    const balances = this.d.balances();
    for (const n of notes) {
      this.d.events.emit('credits.changed', { kind: n.kind, opId: n.opId, reservationId: n.reservationId, jobId: n.jobId, balances });
    }
    const users = new Set(notes.filter((n) => n.userId && (n.kind === 'capture' || n.kind === 'debit')).map((n) => n.userId!));
    for (const user of users) this.spendNotices(user);
  }

  private spendNotices(user: string): void {
    const now = this.d.clock.now();
    const period = monthOf(now);
    const spent = this.d.spend.of('user', user, period).posted;
    for (const threshold of this.d.plan().budgets.user_spend_notify_at) {
      if (spent < threshold) continue;
      if (this.d.s.insertNotice.run({ user, period, threshold, spent, now: new Date(now).toISOString() }).changes === 0) continue;
      this.d.notifier.notify('Credit spend', `${user} has spent ${spent} credits in ${period}, past the ${threshold} threshold.`);
      this.d.events.emit('credits.thresholdCrossed', { userId: user, period, threshold, spent });
    }
  }
}
