import type Database from 'better-sqlite3';

export const version = 520;
export const name = 'create-benchmarks';

/**
 * Quarterly benchmark runs: the report (also written as a dated file in <dataDir>/benchmarks), the
 * plan-config proposal it made, and when that proposal was applied (at most once).
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE benchmark_runs (
      id           TEXT PRIMARY KEY,
      provider     TEXT NOT NULL,
      plan         TEXT NOT NULL,
      model        TEXT NOT NULL,
      day          TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
      report_json  TEXT NOT NULL CHECK (json_valid(report_json)),
      file         TEXT NOT NULL,
      created_at   INTEGER NOT NULL,
      applied_at   INTEGER,
      applied_file TEXT,
      CHECK ((applied_at IS NULL) = (applied_file IS NULL))
    ) STRICT;
    CREATE INDEX benchmark_runs_by_time ON benchmark_runs(created_at);
  `);
}
