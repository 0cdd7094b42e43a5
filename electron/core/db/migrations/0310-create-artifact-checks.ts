import type Database from 'better-sqlite3';

export const version = 310;
export const name = 'create-artifact-checks';

/** The latest auto-check report per artifact (the `circletake check` JSON), kept after the file is swept. */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE artifact_checks (
      artifact_id TEXT PRIMARY KEY REFERENCES artifacts(id),
      ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
      report      TEXT NOT NULL CHECK (json_valid(report)),
      checked_at  INTEGER NOT NULL
    ) STRICT;
  `);
}
