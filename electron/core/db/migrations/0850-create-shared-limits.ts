import type Database from 'better-sqlite3';

export const version = 850;
export const name = 'create-shared-limits';

/**
 * A provider's tier limits kept in the database, so every queue worker (any number of processes on any
 * number of machines sharing a studio database) draws on the same ones (electron/core/queue/sharedLimits.ts):
 * - rate_buckets: one token bucket per provider, refilled by the time elapsed since `refilled_at` (the
 *   clock's ms) when a worker admits a task. `fill` is in whole units of 1/60,000 token, so a bucket of
 *   N requests a minute gains exactly N units a millisecond: integers, no fraction ever rounded away;
 * - model_slots: one row per provider and model that a worker locks before it counts the model's tasks
 *   in flight, so two workers never both take the last slot; `admitted` counts admissions (a view, and
 *   the write that makes a competing SERIALIZABLE admission run again);
 * - job_tasks_in_flight: the queue's own in-flight task rows (intent, submitted), which are the count.
 */
const SCHEMA = `
CREATE TABLE rate_buckets (
  provider      TEXT PRIMARY KEY,
  fill          INTEGER NOT NULL CHECK (fill >= 0),
  refilled_at   INTEGER NOT NULL
)`;

const SLOTS = `
CREATE TABLE model_slots (
  provider      TEXT NOT NULL,
  model         TEXT NOT NULL,
  admitted      INTEGER NOT NULL DEFAULT 0 CHECK (admitted >= 0),
  admitted_at   INTEGER,
  PRIMARY KEY (provider, model)
)`;

const IN_FLIGHT = `CREATE INDEX job_tasks_in_flight ON job_tasks(job_id, n) WHERE status IN ('intent', 'submitted');`;

export function up(db: Database.Database): void {
  db.exec(`${SCHEMA} STRICT;\n${SLOTS} STRICT;\n${IN_FLIGHT}`);
}

export const pg = `${SCHEMA.replace(/INTEGER/g, 'BIGINT')};\n${SLOTS.replace(/INTEGER/g, 'BIGINT')};\n${IN_FLIGHT}`;
