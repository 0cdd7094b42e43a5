import type Database from 'better-sqlite3';

export const version = 830;
export const name = 'row-order';

/**
 * Rows of the ledger, comments, projects and artifacts are read back in the order they were written
 * (`ORDER BY rowid`): the legs of an op, the ops of a reservation, the history newest first, and
 * `max(rowid)` as "has anything been written since". SQLite has that rowid on every table already, so
 * this step changes nothing there. PostgreSQL gets a column of the same name (an identity), so the same
 * SQL runs on both engines; the schema parity test knows that SQLite's rowid is implicit.
 */
export function up(_db: Database.Database): void {
  // SQLite: every table here already has its rowid.
}

const ROW_ORDERED = ['ledger_ops', 'ledger_entries', 'take_comments', 'projects', 'artifacts'];

export const pg = ROW_ORDERED.map(
  (t) => `ALTER TABLE ${t} ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY;\nCREATE UNIQUE INDEX ${t}_rowid ON ${t}(rowid);`,
).join('\n');
