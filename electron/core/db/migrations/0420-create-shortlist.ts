import type Database from 'better-sqlite3';

export const version = 420;
export const name = 'create-shortlist';

/**
 * The shortlist: each project's rule (top N or top percent per shot; no row = the default) and the
 * manual overrides (a take forced in or kept out). Membership itself is derived, never stored.
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE shortlist_rules (
      project_id  TEXT PRIMARY KEY REFERENCES projects(id),
      mode        TEXT NOT NULL CHECK (mode IN ('top', 'percent')),
      n           INTEGER NOT NULL CHECK (n BETWEEN 1 AND 1000),
      percent     INTEGER NOT NULL CHECK (percent BETWEEN 1 AND 100),
      updated_at  INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE shortlist_overrides (
      take_id     TEXT PRIMARY KEY REFERENCES takes(id),
      project_id  TEXT NOT NULL,
      override    TEXT NOT NULL CHECK (override IN ('in', 'out')),
      author      TEXT NOT NULL,
      created_at  INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX shortlist_overrides_by_project ON shortlist_overrides(project_id);
  `);
}
