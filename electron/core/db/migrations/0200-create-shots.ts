import type Database from 'better-sqlite3';

export const version = 200;
export const name = 'create-shots';

export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE shots (
      id          TEXT PRIMARY KEY,
      project_id  TEXT NOT NULL REFERENCES projects(id),
      name        TEXT NOT NULL,
      position    INTEGER NOT NULL CHECK (position > 0),
      created_at  TEXT NOT NULL,
      updated_at  TEXT NOT NULL,
      deleted_at  TEXT
    ) STRICT;
    CREATE INDEX shots_by_project ON shots(project_id, position) WHERE deleted_at IS NULL;
    CREATE UNIQUE INDEX shots_live_name ON shots(project_id, lower(name)) WHERE deleted_at IS NULL;
  `);
}
