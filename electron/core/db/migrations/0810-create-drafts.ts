import type Database from 'better-sqlite3';

export const version = 810;
export const name = 'create-drafts';

/**
 * The draft form as the user left it, per project and shot (`shot_key` '' is the "new shot"
 * draft), so nothing typed is lost across tabs, restarts and doors. The prompt and negative prompt
 * are sealed like a job's (`prompt_sealed`); the other settings are plain JSON.
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE drafts (
      project_id     TEXT NOT NULL REFERENCES projects(id),
      shot_key       TEXT NOT NULL CHECK (shot_key = '' OR shot_key GLOB 'sht_*'),
      new_shot_name  TEXT NOT NULL DEFAULT '' CHECK (length(new_shot_name) <= 120),
      values_json    TEXT NOT NULL CHECK (json_valid(values_json)),
      prompt_sealed  BLOB NOT NULL,
      updated_at     INTEGER NOT NULL,
      PRIMARY KEY (project_id, shot_key)
    ) STRICT;
  `);
}
