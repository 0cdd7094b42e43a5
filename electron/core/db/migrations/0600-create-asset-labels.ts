import type Database from 'better-sqlite3';

export const version = 600;
export const name = 'create-asset-labels';

/**
 * Sensitivity labels on a project's input assets (prompt images, imported clips), by content
 * (sha256), so renaming or copying a file keeps its label. Set by the user or read from an import
 * manifest (`source`). The policy check at submit reads them (electron/core/policy).
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE asset_labels (
      project_id  TEXT NOT NULL REFERENCES projects(id),
      sha256      TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
      label       TEXT NOT NULL CHECK (label IN ('public', 'internal', 'confidential', 'restricted')),
      source      TEXT NOT NULL CHECK (source IN ('user', 'manifest')),
      file_name   TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
      set_at      INTEGER NOT NULL,
      PRIMARY KEY (project_id, sha256)
    ) STRICT;
    CREATE INDEX asset_labels_by_content ON asset_labels(sha256);
  `);
}
