import type Database from 'better-sqlite3';

export const version = 320;
export const name = 'create-watermarks';

/**
 * A watermark image a user registered for a provider (its copy lives in <data>/watermarks/<sha256>.png),
 * with where it sits in the frame. Providers without a row use the bundled preview badge.
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE watermarks (
      provider      TEXT PRIMARY KEY,
      sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
      corner        TEXT NOT NULL CHECK (corner IN ('top-left', 'top-right', 'bottom-left', 'bottom-right')),
      margin_px     INTEGER NOT NULL CHECK (margin_px >= 0),
      width         INTEGER NOT NULL CHECK (width > 0),
      height        INTEGER NOT NULL CHECK (height > 0),
      registered_at INTEGER NOT NULL
    ) STRICT;
  `);
}
