import type Database from 'better-sqlite3';

export const version = 710;
export const name = 'create-review-links';

/**
 * Review links made in the app (electron/core/review): a reviewer or producer token, kept only as
 * its sha256, so every server on this data dir accepts it until it is revoked. Rows stay after a
 * revocation (who had access, and when it ended).
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE review_links (
      id            TEXT PRIMARY KEY,
      token_sha256  TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64 AND token_sha256 NOT GLOB '*[^0-9a-f]*'),
      role          TEXT NOT NULL CHECK (role IN ('reviewer', 'producer')),
      name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
      created_at    INTEGER NOT NULL,
      revoked_at    INTEGER
    ) STRICT;
  `);
}
