import { bindAll, named } from '../db/engine/namedSql';
import type { Queryable } from '../db/engine/sqlEngine';

/**
 * SQL for the credit ledger (tables from migrations 0100 and 0800). Statements are prepared once;
 * parameters are named. Cached account totals and running spend totals move only through Books
 * (ledgerBooks.ts), in the same transaction as the entry they mirror.
 */
export interface AccountRow {
  id: string;
  pool: string | null;
  surface: string | null;
  kind: 'allowance' | 'grant' | 'purchased' | 'system';
  cycle_start: string | null;
  cycle_end: string | null;
  may_go_negative: number;
  debits_posted: number;
  credits_posted: number;
  debits_pending: number;
  credits_pending: number;
  closed_at: string | null;
  created_at: string;
}

export interface OpRow {
  id: string;
  kind: string;
  request: string;
  result: string;
  reservation_id: string | null;
  job_id: string | null;
  project_id: string | null;
  user_id: string | null;
  stage: string | null;
  artifact_class: string | null;
  reason: string | null;
  created_at: string;
  day: string;
}

export interface EntryRow {
  id: string;
  op_id: string;
  debit_account: string;
  credit_account: string;
  amount: number;
  is_pending: number;
  pending_id: string | null;
  resolution: 'post' | 'void' | null;
  created_at: string;
  day: string;
}

export type SpendScope = 'pool' | 'project' | 'user';

export interface GuardLimitRow {
  scope: 'budget' | 'user' | 'project';
  monthly: number | null;
  daily: number | null;
  name: string | null;
}

export interface SpendRow {
  scope: SpendScope;
  key: string;
  period: string;
  held: number;
  posted: number;
}

/**
 * Spend summarized from the entries: every entry crediting sys:spend, `held` for unresolved holds (on the
 * hold's day), `posted` for captures and debits (on their day), per pool, project and user, per day,
 * month and all time. Non-zero rows only. What ledger_spend must equal.
 */
export const SPEND_FROM_ENTRIES = `
  WITH spend AS (
    SELECT e.amount, e.day, e.is_pending AS is_hold, a.pool, o.project_id AS project, o.user_id AS usr
    FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.debit_account JOIN ledger_ops o ON o.id = e.op_id
    WHERE e.credit_account = 'sys:spend' AND (e.is_pending = 0 OR NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.pending_id = e.id))
  ),
  keyed AS (
    SELECT 'pool' AS scope, pool AS key, day, amount, is_hold FROM spend WHERE pool IS NOT NULL
    UNION ALL SELECT 'project', project, day, amount, is_hold FROM spend WHERE project IS NOT NULL
    UNION ALL SELECT 'user', usr, day, amount, is_hold FROM spend WHERE usr IS NOT NULL
  ),
  periods AS (
    SELECT scope, key, day AS period, amount, is_hold FROM keyed
    UNION ALL SELECT scope, key, substr(day, 1, 7), amount, is_hold FROM keyed
    UNION ALL SELECT scope, key, 'all', amount, is_hold FROM keyed
  )
  SELECT * FROM (
    SELECT scope, key, period, SUM(CASE WHEN is_hold = 1 THEN amount ELSE 0 END) AS held, SUM(CASE WHEN is_hold = 1 THEN 0 ELSE amount END) AS posted
    FROM periods GROUP BY scope, key, period
  ) totals WHERE held <> 0 OR posted <> 0`;

export const SYS = {
  issuance: 'sys:issuance',
  spend: 'sys:spend',
  expired: 'sys:expired',
  refunds: 'sys:refunds',
  /** The other side of provider_sync entries: credits the provider's balance says were added or spent outside this app. */
  provider: 'sys:provider',
} as const;

/** The ledger's statements, parsed once; `ledgerStatements(q)` binds them to an engine or a transaction. */
const LEDGER = {
    account: named<{ id: string }, AccountRow>('SELECT * FROM ledger_accounts WHERE id = @id'),
    accountsOfPool: named<{ pool: string }, AccountRow>('SELECT * FROM ledger_accounts WHERE pool = @pool ORDER BY cycle_start, id'),
    /** Every pool account of a surface in one read (Books groups them by pool; the same order per pool as accountsOfPool). */
    accountsOfSurface: named<{ surface: string }, AccountRow>("SELECT * FROM ledger_accounts WHERE surface = @surface AND kind <> 'system' ORDER BY pool, cycle_start, id", { locks: true }),
    poolAccounts: named<void, AccountRow>("SELECT * FROM ledger_accounts WHERE kind <> 'system' ORDER BY surface, pool, cycle_start"),
    allAccounts: named<void, AccountRow>('SELECT * FROM ledger_accounts ORDER BY id'),
    dueAllowances: named<{ today: string }, AccountRow>(
      "SELECT * FROM ledger_accounts WHERE kind = 'allowance' AND closed_at IS NULL AND cycle_end <= @today ORDER BY cycle_end",
    ),
    insertAccount: named<Omit<AccountRow, 'debits_posted' | 'credits_posted' | 'debits_pending' | 'credits_pending' | 'closed_at'>>(
      `INSERT INTO ledger_accounts (id, pool, surface, kind, cycle_start, cycle_end, may_go_negative, created_at)
       VALUES (@id, @pool, @surface, @kind, @cycle_start, @cycle_end, @may_go_negative, @created_at) ON CONFLICT (id) DO NOTHING`,
    ),
    closeAccount: named<{ id: string; now: string }>('UPDATE ledger_accounts SET closed_at = @now WHERE id = @id AND closed_at IS NULL'),
    addTotals: named<{ id: string; dp: number; cp: number; dpe: number; cpe: number }>(
      `UPDATE ledger_accounts SET debits_posted = debits_posted + @dp, credits_posted = credits_posted + @cp,
         debits_pending = debits_pending + @dpe, credits_pending = credits_pending + @cpe WHERE id = @id`,
    ),
    op: named<{ id: string }, OpRow>('SELECT * FROM ledger_ops WHERE id = @id'),
    /** Whether an op was written (the ledger is append-only: once there, always there). */
    hasOp: named<{ id: string }, { one: number }>('SELECT 1 AS one FROM ledger_ops WHERE id = @id'),
    insertOp: named<OpRow>(
      `INSERT INTO ledger_ops (id, kind, request, result, reservation_id, job_id, project_id, user_id, stage, artifact_class, reason, created_at, day)
       VALUES (@id, @kind, @request, @result, @reservation_id, @job_id, @project_id, @user_id, @stage, @artifact_class, @reason, @created_at, @day)`,
    ),
    resolutionOf: named<{ rid: string }, OpRow>("SELECT * FROM ledger_ops WHERE reservation_id = @rid AND kind IN ('capture', 'void')"),
    opsOfReservation: named<{ rid: string }, OpRow>('SELECT * FROM ledger_ops WHERE reservation_id = @rid ORDER BY rowid'),
    reservationsOfJob: named<{ job: string }, OpRow>("SELECT * FROM ledger_ops WHERE job_id = @job AND kind = 'reserve' ORDER BY rowid"),
    pendingReservations: named<void, OpRow>(
      "SELECT o.* FROM ledger_ops o WHERE o.kind = 'reserve' AND NOT EXISTS (SELECT 1 FROM ledger_ops r WHERE r.reservation_id = o.id AND r.kind IN ('capture', 'void')) ORDER BY o.rowid",
    ),
    insertEntry: named<EntryRow>(
      `INSERT INTO ledger_entries (id, op_id, debit_account, credit_account, amount, is_pending, pending_id, resolution, created_at, day)
       VALUES (@id, @op_id, @debit_account, @credit_account, @amount, @is_pending, @pending_id, @resolution, @created_at, @day)`,
    ),
    entriesOfOp: named<{ op: string }, EntryRow>('SELECT * FROM ledger_entries WHERE op_id = @op ORDER BY rowid'),
    entry: named<{ id: string }, EntryRow>('SELECT * FROM ledger_entries WHERE id = @id'),
    /** The newest entry's rowid: it changes with every write, so a reading compared across it is stale. */
    lastEntry: named<void, { n: number | null }>('SELECT max(rowid) AS n FROM ledger_entries'),
    allEntries: named<void, EntryRow>('SELECT * FROM ledger_entries ORDER BY rowid'),
    /** Adds to the running spend of one scope and key on a day, its month and all time (ledger_spend, migration 0800). */
    addSpend: named<{ scope: SpendScope; key: string; day: string; month: string; held: number; posted: number }>(
      `INSERT INTO ledger_spend (scope, key, period, held, posted) VALUES (@scope, @key, @day, @held, @posted), (@scope, @key, @month, @held, @posted), (@scope, @key, 'all', @held, @posted)
       ON CONFLICT(scope, period, key) DO UPDATE SET held = ledger_spend.held + excluded.held, posted = ledger_spend.posted + excluded.posted`,
    ),
    /** A hold resolved: it no longer counts as held on its day, its month and all time. */
    releaseHeld: named<{ scope: SpendScope; key: string; day: string; month: string; n: number }>(
      `UPDATE ledger_spend SET held = held - @n WHERE scope = @scope AND key = @key AND period IN (@day, @month, 'all')`,
    ),
    /** Every pool's spend (held + posted) in one period. */
    poolSpendIn: named<{ period: string }, { key: string; n: number }>(`SELECT key, held + posted AS n FROM ledger_spend WHERE scope = 'pool' AND period = @period`),
    spendOf: named<{ scope: SpendScope; key: string; period: string }, SpendRow>('SELECT * FROM ledger_spend WHERE scope = @scope AND key = @key AND period = @period'),
    allSpend: named<void, SpendRow>('SELECT * FROM ledger_spend WHERE held <> 0 OR posted <> 0 ORDER BY scope, key, period'),
    /** The same totals rebuilt from the entries (the audit's full recomputation). */
    spendFromEntries: named<void, SpendRow>(`${SPEND_FROM_ENTRIES} ORDER BY scope, key, period`),
    history: named<Record<string, string | number | null>, EntryRow & OpRow & { pool: string; account: string; entry_id: string; op_kind: string; entry_day: string; entry_created: string; pool_is_debit: number }>(
      `SELECT e.id AS entry_id, e.amount, e.is_pending, e.pending_id, e.resolution, e.day AS entry_day, e.created_at AS entry_created,
              o.id AS op_id, o.kind AS op_kind, o.reservation_id, o.job_id, o.project_id, o.user_id, o.stage, o.artifact_class, o.reason,
              a.id AS account, a.pool AS pool, CASE WHEN a.id = e.debit_account THEN 1 ELSE 0 END AS pool_is_debit
       FROM ledger_entries e
       JOIN ledger_ops o ON o.id = e.op_id
       JOIN ledger_accounts a ON a.kind <> 'system' AND (a.id = e.debit_account OR a.id = e.credit_account)
       WHERE (CAST(@pool AS TEXT) IS NULL OR a.pool = @pool) AND (CAST(@surface AS TEXT) IS NULL OR a.surface = @surface)
         AND (CAST(@project AS TEXT) IS NULL OR o.project_id = @project) AND (CAST(@user AS TEXT) IS NULL OR o.user_id = @user)
         AND (CAST(@job AS TEXT) IS NULL OR o.job_id = @job) AND (CAST(@stage AS TEXT) IS NULL OR o.stage = @stage)
         AND (CAST(@class AS TEXT) IS NULL OR o.artifact_class = @class) AND (CAST(@kind AS TEXT) IS NULL OR o.kind = @kind)
         AND (CAST(@day AS TEXT) IS NULL OR e.day = @day)
       ORDER BY e.rowid DESC LIMIT @limit`,
    ),
    getSetting: named<{ key: string }, { value: string }>('SELECT value FROM money_settings WHERE key = @key'),
    setSetting: named<{ key: string; value: string }>(
      'INSERT INTO money_settings (key, value) VALUES (@key, @value) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    deleteSetting: named<{ key: string }>('DELETE FROM money_settings WHERE key = @key'),
    budget: named<{ project: string }, { credits: number }>('SELECT credits FROM money_budgets WHERE project_id = @project'),
    /**
     * Everything the guard needs to know about limits in one read: the project's budget ('budget', in
     * `monthly`), the project's daily cap and the member's limits with their name (money_limits, 0910).
     */
    limitsForGuard: named<{ project: string | null; user: string | null }, GuardLimitRow>(
      `SELECT 'budget' AS scope, credits AS monthly, NULL AS daily, NULL AS name FROM money_budgets WHERE project_id = @project
       UNION ALL
       SELECT l.scope, l.monthly, l.daily, m.name FROM money_limits l LEFT JOIN members m ON l.scope = 'user' AND m.id = l.key
        WHERE (l.scope = 'user' AND l.key = @user) OR (l.scope = 'project' AND l.key = @project)`,
    ),
    /** The spend the guard weighs in one read: the project's all time and today, the member's today and this month. */
    spendForGuard: named<{ project: string | null; user: string | null; day: string; month: string }, { scope: SpendScope; period: string; n: number }>(
      `SELECT scope, period, held + posted AS n FROM ledger_spend
        WHERE (scope = 'project' AND key = @project AND period IN ('all', @day)) OR (scope = 'user' AND key = @user AND period IN (@day, @month))`,
    ),
    setBudget: named<{ project: string; credits: number; now: string }>(
      `INSERT INTO money_budgets (project_id, credits, updated_at) VALUES (@project, @credits, @now)
       ON CONFLICT(project_id) DO UPDATE SET credits = excluded.credits, updated_at = excluded.updated_at`,
    ),
    clearBudget: named<{ project: string }>('DELETE FROM money_budgets WHERE project_id = @project'),
    insertNotice: named<{ user: string; period: string; threshold: number; spent: number; now: string }>(
      'INSERT INTO money_notices (user_id, period, threshold, spent, created_at) VALUES (@user, @period, @threshold, @spent, @now) ON CONFLICT DO NOTHING',
    ),
};

export type LedgerStatements = ReturnType<typeof ledgerStatements>;

export function ledgerStatements(q: Queryable) {
  return bindAll(q, LEDGER);
}
