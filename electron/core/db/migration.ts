import type Database from 'better-sqlite3';

/** One schema step. `version` is the user_version after it runs; versions go up in steps of 10. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
  /**
   * The same step for a studio's PostgreSQL database. Required above version 820 (the PostgreSQL
   * baseline, electron/core/db/pg/0820-baseline.ts); the schema parity test holds the two together.
   */
  pg?: string;
}
