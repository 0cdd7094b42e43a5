import type Database from 'better-sqlite3';

export const version = 10;
export const name = 'create-projects';

export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE projects (
      id          TEXT PRIMARY KEY,
      name        TEXT NOT NULL,
      created_at  TEXT NOT NULL,
      updated_at  TEXT NOT NULL,
      deleted_at  TEXT
    ) STRICT;
    CREATE UNIQUE INDEX projects_live_name ON projects(lower(name)) WHERE deleted_at IS NULL;
  `);
}
