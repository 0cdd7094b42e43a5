import type Database from 'better-sqlite3';

export const version = 720;
export const name = 'create-config-versions';

/**
 * What keeps a plan or rate card in force when its file goes bad (issue 13, item 7):
 * - config_versions: the last good text of every plan and rate-card file that was in force, with its
 *   sha256, keyed by kind, source (builtin | user) and file name inside its folder (so a moved data dir
 *   still finds them);
 * - config_breaks: since when a file has been broken (cleared once it reads well again).
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE config_versions (
      kind       TEXT NOT NULL CHECK (kind IN ('plan', 'rateCard')),
      source     TEXT NOT NULL CHECK (source IN ('builtin', 'user')),
      file_name  TEXT NOT NULL,
      name       TEXT NOT NULL,
      hash       TEXT NOT NULL CHECK (length(hash) = 64),
      body       TEXT NOT NULL,
      saved_at   TEXT NOT NULL,
      PRIMARY KEY (kind, source, file_name)
    ) STRICT;

    CREATE TABLE config_breaks (
      kind       TEXT NOT NULL CHECK (kind IN ('plan', 'rateCard')),
      source     TEXT NOT NULL CHECK (source IN ('builtin', 'user')),
      file_name  TEXT NOT NULL,
      since      TEXT NOT NULL,
      PRIMARY KEY (kind, source, file_name)
    ) STRICT;
  `);
}
