import type Database from 'better-sqlite3';

/** One schema step. `version` is the user_version after it runs; versions go up in steps of 10. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
