import type Database from 'better-sqlite3';

export const version = 950;
export const name = 'add-job-submitter';

/**
 * jobs.submitted_by: who asked for the job — a studio member's id, a review link's name, or NULL for
 * the machine's owner (and for jobs made before this column). A job's snapshot carries it, so a board
 * offers Cancel and Retry only where the caller may use them (a filmmaker: its own jobs). Before, the
 * only trace was the reservation's user_id, which a cache hit does not have.
 */
const ADD = 'ALTER TABLE jobs ADD COLUMN submitted_by TEXT CHECK (submitted_by IS NULL OR length(submitted_by) BETWEEN 1 AND 200)';

/** Jobs already reserved by a member say so (the first reservation is the submitter's). */
const BACKFILL = `UPDATE jobs SET submitted_by = (
  SELECT o.user_id FROM ledger_ops o WHERE o.job_id = jobs.id AND o.kind = 'reserve' AND o.user_id IS NOT NULL ORDER BY o.created_at, o.id LIMIT 1)
WHERE submitted_by IS NULL`;

export function up(db: Database.Database): void {
  db.exec(`${ADD};\n${BACKFILL};`);
}

export const pg = `${ADD};\n${BACKFILL};`;
