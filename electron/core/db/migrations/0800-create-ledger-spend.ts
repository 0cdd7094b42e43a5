import type Database from 'better-sqlite3';

export const version = 800;
export const name = 'create-ledger-spend';

/**
 * Running spend totals (issue 13: a submit costs the same on day 1 and in year 3). Spend is every entry
 * crediting sys:spend: `held` counts reservation holds not yet resolved (on the hold's day), `posted`
 * counts captured and debited credits (on the day they were posted). One row per scope (pool, project,
 * user), period and key (a UTC day "2026-11-22", a month "2026-11", or "all"), updated in the same
 * transaction as the entries it summarizes (electron/core/money/ledgerSpend.ts). The guard reads today's
 * and the project's rows instead of summing entries; `ledger audit` rebuilds them all from the entries.
 * Existing books are summarized here once.
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE ledger_spend (
      scope   TEXT NOT NULL CHECK (scope IN ('pool', 'project', 'user')),
      key     TEXT NOT NULL,
      period  TEXT NOT NULL CHECK (period = 'all' OR period GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]' OR period GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
      held    INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0),
      posted  INTEGER NOT NULL DEFAULT 0 CHECK (posted >= 0),
      PRIMARY KEY (scope, period, key)
    ) STRICT, WITHOUT ROWID;

    WITH spend AS (
      SELECT e.amount, e.day, e.is_pending AS is_hold, a.pool, o.project_id AS project, o.user_id AS user
      FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.debit_account JOIN ledger_ops o ON o.id = e.op_id
      WHERE e.credit_account = 'sys:spend' AND (e.is_pending = 0 OR NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.pending_id = e.id))
    ),
    keyed AS (
      SELECT 'pool' AS scope, pool AS key, day, amount, is_hold FROM spend WHERE pool IS NOT NULL
      UNION ALL SELECT 'project', project, day, amount, is_hold FROM spend WHERE project IS NOT NULL
      UNION ALL SELECT 'user', user, day, amount, is_hold FROM spend WHERE user IS NOT NULL
    ),
    periods AS (
      SELECT scope, key, day AS period, amount, is_hold FROM keyed
      UNION ALL SELECT scope, key, substr(day, 1, 7), amount, is_hold FROM keyed
      UNION ALL SELECT scope, key, 'all', amount, is_hold FROM keyed
    )
    INSERT INTO ledger_spend (scope, key, period, held, posted)
    SELECT scope, key, period, SUM(CASE WHEN is_hold = 1 THEN amount ELSE 0 END), SUM(CASE WHEN is_hold = 1 THEN 0 ELSE amount END)
    FROM periods GROUP BY scope, key, period;
  `);
}
