import type Database from 'better-sqlite3';

export const version = 440;
export const name = 'create-take-published';

/** Takes whose release was exported: the board's Published column. Keyed by the preview take shown on the board. */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE take_published (
      take_id       TEXT PRIMARY KEY REFERENCES takes(id),
      project_id    TEXT NOT NULL,
      published_at  INTEGER NOT NULL,
      export_ref    TEXT
    ) STRICT;
    CREATE INDEX take_published_by_project ON take_published(project_id);
  `);
}
