import type Database from 'better-sqlite3';

export const version = 110;
export const name = 'create-money-settings';

/**
 * Money settings that are not ledger entries:
 * - money_settings: the active plan and rate-card override (key/value);
 * - money_budgets: a credit budget per project;
 * - money_notices: spend-threshold notifications already given (one per user, month and threshold).
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE money_settings (
      key    TEXT PRIMARY KEY,
      value  TEXT NOT NULL
    ) STRICT;

    CREATE TABLE money_budgets (
      project_id  TEXT PRIMARY KEY,
      credits     INTEGER NOT NULL CHECK (credits > 0),
      updated_at  TEXT NOT NULL
    ) STRICT;

    CREATE TABLE money_notices (
      user_id     TEXT NOT NULL,
      period      TEXT NOT NULL,
      threshold   INTEGER NOT NULL CHECK (threshold > 0),
      spent       INTEGER NOT NULL,
      created_at  TEXT NOT NULL,
      PRIMARY KEY (user_id, period, threshold)
    ) STRICT;
  `);
}
