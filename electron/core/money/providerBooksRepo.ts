import type Database from 'better-sqlite3';

/**
 * SQL for comparing the books with a provider: this app's tasks the provider holds credits for (in
 * flight), and the books' charges per UTC day and model for the usage reconciliation. Read-only.
 */
export class ProviderBooksRepo {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      inFlight: db.prepare<{ provider: string }, { tasks: number; credits: number | null; unknown: number }>(
        `SELECT sum(t.status IN ('intent', 'submitted')) AS tasks,
                sum(CASE WHEN t.status IN ('intent', 'submitted') THEN coalesce(t.estimated_credits, (j.estimated_credits + j.variations - 1) / j.variations) ELSE 0 END) AS credits,
                sum(t.status = 'unknown') AS unknown
         FROM job_tasks t JOIN jobs j ON j.id = t.job_id
         WHERE j.provider = @provider AND t.status IN ('intent', 'submitted', 'unknown')`,
      ),
      chargedByDayModel: db.prepare<{ provider: string; start: string; before: string }, { day: string; model: string; credits: number }>(
        `SELECT e.day AS day, j.model AS model,
                sum(CASE WHEN e.credit_account = 'sys:spend' THEN e.amount WHEN o.kind = 'refund' AND e.debit_account = 'sys:refunds' THEN -e.amount ELSE 0 END) AS credits
         FROM ledger_entries e JOIN ledger_ops o ON o.id = e.op_id JOIN jobs j ON j.id = o.job_id
         WHERE e.is_pending = 0 AND j.provider = @provider AND e.day >= @start AND e.day < @before
         GROUP BY e.day, j.model`,
      ),
    };
  }

  /** This app's tasks at the provider now: created or being created (`tasks`, with the credits the provider holds for them), and UNKNOWN ones. */
  inFlight(provider: string): { tasks: number; credits: number; unknown: number } {
    const r = this.s.inFlight.get({ provider });
    return { tasks: r?.tasks ?? 0, credits: r?.credits ?? 0, unknown: r?.unknown ?? 0 };
  }

  /** Credits the books charged for the provider's jobs per UTC day and model (captures, debits, less refunds), start inclusive, before exclusive. */
  chargedByDayModel(provider: string, start: string, before: string): { day: string; model: string; credits: number }[] {
    return this.s.chargedByDayModel.all({ provider, start, before });
  }
}
