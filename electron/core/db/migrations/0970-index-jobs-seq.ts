import type Database from 'better-sqlite3';

export const version = 970;
export const name = 'index-jobs-seq';

/**
 * jobs(seq): a submit numbers its job `max(seq) + 1`, and moving a job in the line shifts the seqs after
 * it. Without an index on seq both read every job ever made, so a submit grew with the history: 6.5 ms
 * at 200,000 jobs, against a few microseconds with the index (the maximum is the index's last entry).
 */
const SQL = 'CREATE INDEX jobs_by_seq ON jobs(seq)';

export function up(db: Database.Database): void {
  db.exec(`${SQL};`);
}

export const pg = `${SQL};`;
