import type Database from 'better-sqlite3';

export const version = 510;
export const name = 'create-spend-thresholds';

/**
 * Per-project spend thresholds and their crossings (per-user ones live with the ledger: money_notices):
 * - project_spend_thresholds: the credits of a project's spend at which to notify;
 * - project_spend_crossings: one row per (project, threshold) while the spend is at or above it. A
 *   crossing notifies once; a refund that takes the spend back below re-arms it (is_armed = 1).
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE project_spend_thresholds (
      project_id  TEXT NOT NULL REFERENCES projects(id),
      threshold   INTEGER NOT NULL CHECK (threshold > 0),
      created_at  INTEGER NOT NULL,
      PRIMARY KEY (project_id, threshold)
    ) STRICT;

    CREATE TABLE project_spend_crossings (
      project_id  TEXT NOT NULL REFERENCES projects(id),
      threshold   INTEGER NOT NULL CHECK (threshold > 0),
      spent       INTEGER NOT NULL,
      crossings   INTEGER NOT NULL DEFAULT 1 CHECK (crossings >= 1),
      is_armed    INTEGER NOT NULL DEFAULT 0 CHECK (is_armed IN (0, 1)),
      crossed_at  INTEGER NOT NULL,
      PRIMARY KEY (project_id, threshold)
    ) STRICT;
  `);
}
