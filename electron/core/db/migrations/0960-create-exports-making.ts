import type Database from 'better-sqlite3';

export const version = 960;
export const name = 'create-exports-making';

/**
 * A member's named export while it is being made (electron/core/media/export/exportNames.ts): one row per
 * name, so two producers exporting under the same name at once — on one studio process or on two behind
 * the load balancer — cannot both write it (before, both made it and the last one's files won, mixed
 * with the first's). The row goes when the export is kept or fails; a process that dies mid-export stops
 * beating `beat_at`, and its name can be taken over once that is stale.
 */
const SCHEMA = `
CREATE TABLE exports_making (
  name       TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 80),
  token      TEXT NOT NULL,
  member     TEXT CHECK (member IS NULL OR length(member) BETWEEN 1 AND 200),
  project_id TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  beat_at    INTEGER NOT NULL
)`;

export function up(db: Database.Database): void {
  db.exec(`${SCHEMA} STRICT;`);
}

export const pg = `${SCHEMA.replace(/INTEGER/g, 'BIGINT')};`;
