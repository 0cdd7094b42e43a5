import type Database from 'better-sqlite3';

export const version = 410;
export const name = 'create-take-comments';

/** Reviewers' comments on a take. Deleting hides a comment and keeps the row. */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE take_comments (
      id          TEXT PRIMARY KEY,
      take_id     TEXT NOT NULL REFERENCES takes(id),
      project_id  TEXT NOT NULL,
      author      TEXT NOT NULL CHECK (length(author) BETWEEN 1 AND 60),
      body        TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
      created_at  INTEGER NOT NULL,
      deleted_at  INTEGER
    ) STRICT;
    CREATE INDEX take_comments_by_take ON take_comments(take_id, created_at) WHERE deleted_at IS NULL;
    CREATE INDEX take_comments_by_project ON take_comments(project_id) WHERE deleted_at IS NULL;
  `);
}
