import type Database from 'better-sqlite3';

export const version = 210;
export const name = 'create-jobs';

/**
 * The job queue's tables:
 * - jobs: one generation request (provider, model, params, class, variations) with its lease and reservation;
 * - job_tasks: one provider task per variation — the intent row committed before the create call;
 * - attempts: the per-attempt log (never the prompt);
 * - takes: one output clip per successful task;
 * - queue_state: small key/value state (paused).
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE jobs (
      id                TEXT PRIMARY KEY,
      project_id        TEXT NOT NULL REFERENCES projects(id),
      shot_id           TEXT NOT NULL REFERENCES shots(id),
      provider          TEXT NOT NULL,
      model             TEXT NOT NULL,
      artifact_class    TEXT NOT NULL CHECK (artifact_class IN ('preview', 'release')),
      variations        INTEGER NOT NULL CHECK (variations BETWEEN 1 AND 16),
      params_json       TEXT NOT NULL,
      prompt_sealed     BLOB NOT NULL,
      params_hash       TEXT NOT NULL,
      idempotency_key   TEXT NOT NULL,
      source_take_id    TEXT,
      cache_of_job_id   TEXT REFERENCES jobs(id),
      status            TEXT NOT NULL CHECK (status IN ('queued', 'paused', 'running', 'succeeded', 'partial', 'failed', 'cancelled', 'unknown', 'discarded')),
      is_cancel_requested INTEGER NOT NULL DEFAULT 0,
      priority          INTEGER NOT NULL DEFAULT 0,
      seq               INTEGER NOT NULL,
      attempts          INTEGER NOT NULL DEFAULT 0,
      max_attempts      INTEGER NOT NULL,
      lease_token       INTEGER NOT NULL DEFAULT 0,
      lease_expires_at  INTEGER,
      next_attempt_at   INTEGER NOT NULL DEFAULT 0,
      reservation_id    TEXT,
      estimated_credits INTEGER NOT NULL CHECK (estimated_credits >= 0),
      reserved_credits  INTEGER NOT NULL DEFAULT 0 CHECK (reserved_credits >= 0),
      captured_credits  INTEGER CHECK (captured_credits >= 0),
      credits_saved     INTEGER NOT NULL DEFAULT 0,
      credits_before    INTEGER,
      credits_after     INTEGER,
      input_bytes       INTEGER NOT NULL DEFAULT 0,
      output_spec       TEXT NOT NULL,
      error_code        TEXT,
      error_message     TEXT,
      created_at        INTEGER NOT NULL,
      updated_at        INTEGER NOT NULL,
      started_at        INTEGER,
      finished_at       INTEGER
    ) STRICT;
    CREATE INDEX jobs_ready ON jobs(status, priority DESC, seq) WHERE status IN ('queued', 'running');
    CREATE INDEX jobs_by_key ON jobs(idempotency_key, status);
    CREATE INDEX jobs_by_shot ON jobs(shot_id, created_at);
    CREATE INDEX jobs_by_project ON jobs(project_id, created_at);

    CREATE TABLE job_tasks (
      job_id            TEXT NOT NULL REFERENCES jobs(id),
      n                 INTEGER NOT NULL CHECK (n >= 0),
      status            TEXT NOT NULL CHECK (status IN ('pending', 'intent', 'submitted', 'succeeded', 'failed', 'cancelled', 'unknown')),
      tries             INTEGER NOT NULL DEFAULT 0,
      provider_task_id  TEXT,
      provider_status   TEXT,
      progress          REAL,
      estimated_credits INTEGER,
      cost_credits      INTEGER CHECK (cost_credits >= 0),
      failure_code      TEXT,
      failure           TEXT,
      take_id           TEXT,
      intent_at         INTEGER,
      submitted_at      INTEGER,
      finished_at       INTEGER,
      PRIMARY KEY (job_id, n)
    ) STRICT;
    CREATE UNIQUE INDEX job_tasks_provider ON job_tasks(provider_task_id) WHERE provider_task_id IS NOT NULL;

    CREATE TABLE attempts (
      id                INTEGER PRIMARY KEY,
      job_id            TEXT NOT NULL REFERENCES jobs(id),
      n                 INTEGER,
      attempt           INTEGER NOT NULL,
      provider          TEXT NOT NULL,
      provider_job_id   TEXT,
      artifact_class    TEXT NOT NULL,
      model             TEXT NOT NULL,
      params_hash       TEXT NOT NULL,
      input_bytes       INTEGER NOT NULL,
      output_spec       TEXT NOT NULL,
      credits_before    INTEGER,
      credits_after     INTEGER,
      credits_estimated INTEGER,
      credits_charged   INTEGER,
      latency_ms        INTEGER,
      queue_time_ms     INTEGER,
      status            TEXT NOT NULL CHECK (status IN ('ok', 'fail', 'timeout', 'canceled', 'unknown', 'cache_hit', 'retry')),
      error_code        TEXT,
      started_at        INTEGER NOT NULL,
      finished_at       INTEGER
    ) STRICT;
    CREATE INDEX attempts_by_job ON attempts(job_id);
    CREATE INDEX attempts_by_time ON attempts(started_at);

    CREATE TABLE takes (
      id                TEXT PRIMARY KEY,
      job_id            TEXT NOT NULL REFERENCES jobs(id),
      project_id        TEXT NOT NULL REFERENCES projects(id),
      shot_id           TEXT NOT NULL REFERENCES shots(id),
      n                 INTEGER NOT NULL,
      artifact_class    TEXT NOT NULL CHECK (artifact_class IN ('preview', 'release')),
      artifact_id       TEXT,
      source_take_id    TEXT REFERENCES takes(id),
      model             TEXT NOT NULL,
      duration_sec      REAL,
      width             INTEGER,
      height            INTEGER,
      credits           INTEGER NOT NULL DEFAULT 0,
      check_status      TEXT NOT NULL DEFAULT 'pending' CHECK (check_status IN ('pending', 'passed', 'failed', 'error')),
      checks_json       TEXT,
      created_at        INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX takes_by_shot ON takes(shot_id, created_at);
    CREATE INDEX takes_by_project ON takes(project_id, created_at);
    CREATE INDEX takes_by_job ON takes(job_id, n);

    CREATE TABLE queue_state (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;
  `);
}
