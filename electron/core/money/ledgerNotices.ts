import { monthOf } from '../../../shared/money/cycles';
import type { Balances, OpKind } from '../../../shared/money/ledgerTypes';
import type { PlanConfig } from '../../../shared/money/planSchema';
import type { CoreEvents } from '../coreEvents';
import type { SqlEngine } from '../db/engine/sqlEngine';
import type { Clock, Notifier } from '../ports';
import { Books } from './ledgerBooks';
import { ledgerStatements } from './ledgerRepo';
import { limitsRepo } from './limitsRepo';
import { noticeThresholds } from './moneyLimits';

/**
 * After-commit side effects of ledger writes: one `credits.changed` per committed op (with the balances
 * as committed), and spend notices when a user's spend this month passes a threshold (the member's own, else
 * the studio's default, else the plan's: moneyLimits.noticeThresholds; once per user, month and
 * threshold). The webhook hears them through `credits.thresholdCrossed` (spendWebhook.ts). Ops are noted from Queryable.afterCommit, so an op rolled back (or a
 * PostgreSQL attempt run again) is never announced; notes of one moment are announced together.
 */
interface ChangeNote {
  kind: OpKind;
  opId: string;
  reservationId: string | null;
  jobId: string | null;
  userId: string | null;
}

export interface LedgerNoticesDeps {
  engine: SqlEngine;
  events: CoreEvents;
  notifier: Notifier;
  clock: Clock;
  plan: () => PlanConfig;
  balances: () => Promise<Balances>;
}

export class LedgerNotices {
  private notes: ChangeNote[] = [];
  private flushing: Promise<void> | null = null;
  private isDisposed = false;

  constructor(private readonly d: LedgerNoticesDeps) {}

  /** A committed op (called after its commit): announced with the others of this moment. */
  note(kind: OpKind, opId: string, reservationId: string | null = null, jobId: string | null = null, userId: string | null = null): void {
    if (this.isDisposed) return;
    this.notes.push({ kind, opId, reservationId, jobId, userId });
    this.flushing ??= Promise.resolve()
      .then(() => this.flush())
      .catch(() => {})
      .finally(() => (this.flushing = null));
  }

  /** Settles once every op noted so far has been announced (a write's caller hears its own event first). */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  dispose(): void {
    this.isDisposed = true;
    this.notes = [];
  }

  private async flush(): Promise<void> {
    while (this.notes.length > 0 && !this.isDisposed) {
      const notes = this.notes.splice(0);
      const balances = await this.d.balances();
      if (this.isDisposed) return;
      for (const n of notes) {
        this.d.events.emit('credits.changed', { kind: n.kind, opId: n.opId, reservationId: n.reservationId, jobId: n.jobId, balances });
      }
      const users = new Set(notes.filter((n) => n.userId && (n.kind === 'capture' || n.kind === 'debit')).map((n) => n.userId!));
      for (const user of users) await this.spendNotices(user);
    }
  }

  private async spendNotices(user: string): Promise<void> {
    const now = this.d.clock.now();
    const period = monthOf(now);
    const s = ledgerStatements(this.d.engine);
    const spent = (await new Books(s).spend.of('user', user, period)).posted;
    let name: string | null | undefined;
    for (const threshold of await noticeThresholds(this.d.engine, user, this.d.plan())) {
      if (spent < threshold) continue;
      if ((await s.insertNotice.run({ user, period, threshold, spent, now: new Date(now).toISOString() })).changes === 0) continue;
      name ??= (await limitsRepo.membersMatching(this.d.engine, user)).find((m) => m.id === user)?.name ?? null;
      this.d.notifier.notify('Credit spend', `${name ?? user} has spent ${spent} credits in ${period}, past the ${threshold} threshold.`);
      this.d.events.emit('credits.thresholdCrossed', { userId: user, ...(name ? { userName: name } : {}), period, threshold, spent });
    }
  }
}
