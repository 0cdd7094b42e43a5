import type { Queryable } from '../db/engine/sqlEngine';

/**
 * The ledger's balance rules as one query both engines run: every account's cached totals equal what
 * its entries add up to (a hold counts as pending until an entry resolves it; a resolution or a plain
 * entry counts as posted), posted debits equal posted credits, pending debits equal pending credits,
 * and no account that may not go negative is overdrawn. Used to prove a copy of the books (a desktop
 * moved into a studio) balances on both sides.
 */
const REBUILT = `
  WITH open_holds AS (
    SELECT e.id FROM ledger_entries e
    WHERE e.is_pending = 1 AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.pending_id = e.id)
  ),
  flows AS (
    SELECT e.debit_account AS account,
           CASE WHEN e.is_pending = 0 THEN e.amount ELSE 0 END AS dp, 0 AS cp,
           CASE WHEN e.id IN (SELECT id FROM open_holds) THEN e.amount ELSE 0 END AS dpe, 0 AS cpe
    FROM ledger_entries e
    UNION ALL
    SELECT e.credit_account, 0, CASE WHEN e.is_pending = 0 THEN e.amount ELSE 0 END,
           0, CASE WHEN e.id IN (SELECT id FROM open_holds) THEN e.amount ELSE 0 END
    FROM ledger_entries e
  ),
  rebuilt AS (
    SELECT a.id, a.may_go_negative, a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending,
           COALESCE(SUM(f.dp), 0) AS rdp, COALESCE(SUM(f.cp), 0) AS rcp, COALESCE(SUM(f.dpe), 0) AS rdpe, COALESCE(SUM(f.cpe), 0) AS rcpe
    FROM ledger_accounts a LEFT JOIN flows f ON f.account = a.id
    GROUP BY a.id, a.may_go_negative, a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending
  )
  SELECT id, may_go_negative, debits_posted, credits_posted, debits_pending, credits_pending, rdp, rcp, rdpe, rcpe FROM rebuilt ORDER BY id`;

interface Rebuilt {
  id: string;
  may_go_negative: number;
  debits_posted: number;
  credits_posted: number;
  debits_pending: number;
  credits_pending: number;
  rdp: number;
  rcp: number;
  rdpe: number;
  rcpe: number;
}

export interface BooksSummary {
  ok: boolean;
  problems: string[];
  accounts: number;
  postedDebits: number;
  postedCredits: number;
  pendingDebits: number;
  pendingCredits: number;
}

export async function checkBooks(q: Queryable): Promise<BooksSummary> {
  const rows = await q.all<Rebuilt>(REBUILT);
  const problems: string[] = [];
  const sum = { postedDebits: 0, postedCredits: 0, pendingDebits: 0, pendingCredits: 0 };
  for (const r of rows) {
    if (r.rdp !== r.debits_posted || r.rcp !== r.credits_posted || r.rdpe !== r.debits_pending || r.rcpe !== r.credits_pending) {
      problems.push(`account ${r.id}: cached totals differ from its entries`);
    }
    if (r.may_go_negative === 0 && r.debits_posted + r.debits_pending > r.credits_posted) problems.push(`account ${r.id} is overdrawn`);
    sum.postedDebits += r.debits_posted;
    sum.postedCredits += r.credits_posted;
    sum.pendingDebits += r.debits_pending;
    sum.pendingCredits += r.credits_pending;
  }
  if (sum.postedDebits !== sum.postedCredits) problems.push(`posted debits ${sum.postedDebits} ≠ posted credits ${sum.postedCredits}`);
  if (sum.pendingDebits !== sum.pendingCredits) problems.push(`pending debits ${sum.pendingDebits} ≠ pending credits ${sum.pendingCredits}`);
  return { ok: problems.length === 0, problems, accounts: rows.length, ...sum };
}
