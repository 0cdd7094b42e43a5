import type { Queryable } from '../db/engine/sqlEngine';

export interface InFlight {
  /** Tasks created or being created at the provider. */
  tasks: number;
  /** The credits the provider holds for them. */
  credits: number;
  /** Tasks whose create outcome is unknown. */
  unknown: number;
}

const IN_FLIGHT = `SELECT sum(CASE WHEN t.status IN ('intent', 'submitted') THEN 1 ELSE 0 END) AS tasks,
       sum(CASE WHEN t.status IN ('intent', 'submitted') THEN coalesce(t.estimated_credits, (j.estimated_credits + j.variations - 1) / j.variations) ELSE 0 END) AS credits,
       sum(CASE WHEN t.status = 'unknown' THEN 1 ELSE 0 END) AS unknown
FROM job_tasks t JOIN jobs j ON j.id = t.job_id
WHERE j.provider = ? AND t.status IN ('intent', 'submitted', 'unknown')`;

const CHARGED_BY_DAY_MODEL = `SELECT e.day AS day, j.model AS model,
       sum(CASE WHEN e.credit_account = 'sys:spend' THEN e.amount WHEN o.kind = 'refund' AND e.debit_account = 'sys:refunds' THEN -e.amount ELSE 0 END) AS credits
FROM ledger_entries e JOIN ledger_ops o ON o.id = e.op_id JOIN jobs j ON j.id = o.job_id
WHERE e.is_pending = 0 AND j.provider = ? AND e.day >= ? AND e.day < ?
GROUP BY e.day, j.model`;

/**
 * SQL for comparing the books with a provider: this app's tasks the provider holds credits for (in
 * flight), and the books' charges per UTC day and model for the usage reconciliation. Read-only; every
 * method takes the Queryable to read through (a transaction's, or the engine).
 */
export const providerBooksRepo = {
  /** This app's tasks at the provider now: created or being created (`tasks`, with the credits the provider holds for them), and UNKNOWN ones. */
  async inFlight(q: Queryable, provider: string): Promise<InFlight> {
    const r = await q.get<{ tasks: number | null; credits: number | null; unknown: number | null }>(IN_FLIGHT, [provider]);
    return { tasks: r?.tasks ?? 0, credits: r?.credits ?? 0, unknown: r?.unknown ?? 0 };
  },

  /** Credits the books charged for the provider's jobs per UTC day and model (captures, debits, less refunds), start inclusive, before exclusive. */
  chargedByDayModel(q: Queryable, provider: string, start: string, before: string): Promise<{ day: string; model: string; credits: number }[]> {
    return q.all<{ day: string; model: string; credits: number }>(CHARGED_BY_DAY_MODEL, [provider, start, before]);
  },
};

export type ProviderBooksRepo = typeof providerBooksRepo;
