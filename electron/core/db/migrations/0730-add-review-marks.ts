import type Database from 'better-sqlite3';

export const version = 730;
export const name = 'add-review-marks';

/**
 * Frame-accurate review and star ratings:
 * - take_stars: one 1–5 rating per (take, author), like take_tags.
 * - take_comments gains at_sec (the frame it points at, seconds), end_sec (an optional range end, after
 *   at_sec) and drawing_json (arrows, boxes and strokes on that frame as vector data; the app parses
 *   it with the contract's Drawing schema). Existing comments keep NULLs: they are about the whole take.
 * - board_actions accepts 'stars' entries so a rating is undoable (SQLite cannot alter a CHECK, so
 *   the table is rebuilt with its rows and index).
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE take_stars (
      take_id     TEXT NOT NULL REFERENCES takes(id),
      project_id  TEXT NOT NULL,
      author      TEXT NOT NULL CHECK (length(author) BETWEEN 1 AND 60),
      stars       INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
      created_at  INTEGER NOT NULL,
      PRIMARY KEY (take_id, author)
    ) STRICT;
    CREATE INDEX take_stars_by_project ON take_stars(project_id);

    ALTER TABLE take_comments ADD COLUMN at_sec REAL CHECK (at_sec IS NULL OR at_sec >= 0);
    ALTER TABLE take_comments ADD COLUMN end_sec REAL CHECK (end_sec IS NULL OR (at_sec IS NOT NULL AND end_sec > at_sec));
    ALTER TABLE take_comments ADD COLUMN drawing_json TEXT CHECK (drawing_json IS NULL OR (at_sec IS NOT NULL AND json_valid(drawing_json)));

    CREATE TABLE board_actions_next (
      id          INTEGER PRIMARY KEY,
      project_id  TEXT NOT NULL REFERENCES projects(id),
      author      TEXT NOT NULL,
      kind        TEXT NOT NULL CHECK (kind IN ('tags', 'override', 'rule', 'stars')),
      label       TEXT NOT NULL,
      before_json TEXT NOT NULL CHECK (json_valid(before_json)),
      created_at  INTEGER NOT NULL,
      undone_at   INTEGER
    ) STRICT;
    INSERT INTO board_actions_next (id, project_id, author, kind, label, before_json, created_at, undone_at)
      SELECT id, project_id, author, kind, label, before_json, created_at, undone_at FROM board_actions;
    DROP TABLE board_actions;
    ALTER TABLE board_actions_next RENAME TO board_actions;
    CREATE INDEX board_actions_open ON board_actions(project_id, author, id) WHERE undone_at IS NULL;
  `);
}
