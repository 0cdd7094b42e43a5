import type { UsageBy } from '../../../shared/contract/usage';
import type { Queryable } from '../db/engine/sqlEngine';

/**
 * The SQL of usage over time. Spend comes from the ledger's running totals (ledger_spend, one row per
 * scope, key and period, kept in the transaction that moves the credits), never by summing entries;
 * refunds (rare: a provider gives credits back after settlement) from the entries debiting sys:refunds,
 * found through that column's index.
 */
export interface UsageRow {
  /** 'pool' rows add up all spend (to find what no member or project is named on); 'refund' rows are refunds. */
  scope: 'pool' | 'user' | 'project' | 'refund';
  key: string | null;
  /** A day "2026-11-22" or a month "2026-11" (refunds: always a day). */
  period: string;
  held: number;
  posted: number;
  refunded: number;
}

const OP_COLUMN: Record<UsageBy, string> = { user: 'o.user_id', project: 'o.project_id' };
const CHUNK = 500;

export const usageRepo = {
  /**
   * One statement, so one snapshot on either engine: the `by` scope's and the pools' running totals in
   * periods [fromPeriod, toPeriod) of one length (10: days, 7: months), and refunds per key and day in
   * [fromDay, toDay).
   */
  rows(q: Queryable, by: UsageBy, periods: { from: string; to: string; length: 7 | 10 }, days: { from: string; to: string }): Promise<UsageRow[]> {
    return q.all<UsageRow>(
      `SELECT s.scope AS scope, s.key AS key, s.period AS period, s.held AS held, s.posted AS posted, 0 AS refunded
       FROM ledger_spend s
       WHERE s.scope IN ('pool', ?) AND s.period >= ? AND s.period < ? AND length(s.period) = ? AND (s.held <> 0 OR s.posted <> 0)
       UNION ALL
       SELECT 'refund' AS scope, ${OP_COLUMN[by]} AS key, e.day AS period, 0 AS held, 0 AS posted, sum(e.amount) AS refunded
       FROM ledger_entries e JOIN ledger_ops o ON o.id = e.op_id
       WHERE e.debit_account = 'sys:refunds' AND e.is_pending = 0 AND e.day >= ? AND e.day < ?
       GROUP BY ${OP_COLUMN[by]}, e.day`,
      [by, periods.from, periods.to, periods.length, days.from, days.to],
    );
  },

  /** Display names of these members (user keys) or projects; a key with no row is not in the map. */
  async names(q: Queryable, by: UsageBy, keys: readonly string[]): Promise<Map<string, string>> {
    const table = by === 'user' ? 'members' : 'projects';
    const out = new Map<string, string>();
    for (let i = 0; i < keys.length; i += CHUNK) {
      const part = keys.slice(i, i + CHUNK);
      const rows = await q.all<{ id: string; name: string }>(`SELECT id, name FROM ${table} WHERE id IN (${part.map(() => '?').join(', ')})`, part);
      for (const r of rows) out.set(r.id, r.name);
    }
    return out;
  },

  /** Whether this database is a studio's (it has members): then spend with no member on it is the studio owner's. */
  async hasMembers(q: Queryable): Promise<boolean> {
    return (await q.get('SELECT 1 AS one FROM members LIMIT 1')) !== undefined;
  },
};
