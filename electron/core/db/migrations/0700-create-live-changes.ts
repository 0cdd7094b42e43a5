import type Database from 'better-sqlite3';

export const version = 700;
export const name = 'create-live-changes';

/**
 * The change feed between processes on one data dir (electron/core/live): every contract event a
 * process emits is appended here, and the other processes (the app, the browser host, a review
 * server, the CLI) tail it and forward it to their sessions. A notification log, not a source of
 * truth: rows are pruned to the newest few thousand, and a lost row only delays a refresh.
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE live_changes (
      seq      INTEGER PRIMARY KEY AUTOINCREMENT,
      origin   TEXT NOT NULL CHECK (length(origin) BETWEEN 1 AND 64),
      event    TEXT NOT NULL CHECK (length(event) BETWEEN 1 AND 100),
      payload  TEXT NOT NULL CHECK (json_valid(payload)),
      at       INTEGER NOT NULL
    ) STRICT;
  `);
}
