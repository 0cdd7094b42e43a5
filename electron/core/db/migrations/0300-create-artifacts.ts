import type Database from 'better-sqlite3';

export const version = 300;
export const name = 'create-artifacts';

/**
 * The media stores' index: one row per stored clip. `class` separates preview from release (never
 * promoted); `rel_path` is under the class root and holds ids and dates only. Identical content
 * (same class and sha256) shares one file, so several rows may name the same rel_path. Retention
 * sets swept_at and removes the file once no unswept row uses it; the row (metadata) stays.
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE artifacts (
      id          TEXT PRIMARY KEY,
      class       TEXT NOT NULL CHECK (class IN ('preview', 'release')),
      project_id  TEXT NOT NULL REFERENCES projects(id),
      job_id      TEXT NOT NULL,
      n           INTEGER NOT NULL CHECK (n >= 0),
      rel_path    TEXT NOT NULL,
      sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
      size_bytes  INTEGER NOT NULL CHECK (size_bytes >= 0),
      created_at  INTEGER NOT NULL,
      swept_at    INTEGER
    ) STRICT;
    CREATE UNIQUE INDEX artifacts_by_job ON artifacts(class, job_id, n);
    CREATE INDEX artifacts_by_content ON artifacts(class, sha256) WHERE swept_at IS NULL;
    CREATE INDEX artifacts_by_project ON artifacts(project_id, created_at);
    CREATE INDEX artifacts_live_by_age ON artifacts(class, created_at) WHERE swept_at IS NULL;
  `);
}
