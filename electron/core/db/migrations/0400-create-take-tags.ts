import type Database from 'better-sqlite3';

export const version = 400;
export const name = 'create-take-tags';

/**
 * Reviewers' verdicts: at most one per (take, author). The auto-check tags as author 'auto-check'
 * with is_auto = 1 and the failing checks as the reason. project_id is denormalized so the board
 * loads a project's tags with one indexed read.
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE take_tags (
      take_id     TEXT NOT NULL REFERENCES takes(id),
      project_id  TEXT NOT NULL,
      author      TEXT NOT NULL CHECK (length(author) BETWEEN 1 AND 60),
      tag         TEXT NOT NULL CHECK (tag IN ('promising', 'needs-fix', 'discard')),
      is_auto     INTEGER NOT NULL DEFAULT 0 CHECK (is_auto IN (0, 1)),
      reason      TEXT,
      created_at  INTEGER NOT NULL,
      PRIMARY KEY (take_id, author)
    ) STRICT;
    CREATE INDEX take_tags_by_project ON take_tags(project_id);
  `);
}
