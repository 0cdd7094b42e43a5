import type Database from 'better-sqlite3';

export const version = 430;
export const name = 'create-board-actions';

/**
 * The undo log for tag and shortlist actions: what each action replaced (before_json), per project
 * and author. Undo restores the newest action not yet undone and stamps undone_at.
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE board_actions (
      id          INTEGER PRIMARY KEY,
      project_id  TEXT NOT NULL REFERENCES projects(id),
      author      TEXT NOT NULL,
      kind        TEXT NOT NULL CHECK (kind IN ('tags', 'override', 'rule')),
      label       TEXT NOT NULL,
      before_json TEXT NOT NULL CHECK (json_valid(before_json)),
      created_at  INTEGER NOT NULL,
      undone_at   INTEGER
    ) STRICT;
    CREATE INDEX board_actions_open ON board_actions(project_id, author, id) WHERE undone_at IS NULL;
  `);
}
