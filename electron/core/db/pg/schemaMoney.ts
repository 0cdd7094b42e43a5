/** Projects, shots, drafts and the ledger, append-only by trigger (PostgreSQL, schema version 820; see ./0820-baseline.ts). */
export const sql = `
CREATE TABLE projects (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  deleted_at  TEXT
);

CREATE UNIQUE INDEX projects_live_name ON projects(lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE ledger_accounts (
  id               TEXT PRIMARY KEY,
  pool             TEXT,
  surface          TEXT,
  kind             TEXT NOT NULL CHECK (kind IN ('allowance', 'grant', 'purchased', 'system')),
  cycle_start      TEXT,
  cycle_end        TEXT,
  may_go_negative  BIGINT NOT NULL DEFAULT 0 CHECK (may_go_negative IN (0, 1)),
  debits_posted    BIGINT NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
  credits_posted   BIGINT NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
  debits_pending   BIGINT NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
  credits_pending  BIGINT NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
  closed_at        TEXT,
  created_at       TEXT NOT NULL,
  CHECK (may_go_negative = 1 OR debits_posted + debits_pending <= credits_posted),
  CHECK ((kind = 'system') = (pool IS NULL))
);

CREATE INDEX ledger_accounts_pool ON ledger_accounts(pool);

CREATE TABLE ledger_ops (
  id              TEXT PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('grant', 'allowance', 'purchase', 'adjust', 'reserve', 'capture', 'void', 'debit', 'refund', 'expire', 'provider_sync')),
  request         TEXT NOT NULL,
  result          TEXT NOT NULL,
  reservation_id  TEXT,
  job_id          TEXT,
  project_id      TEXT,
  user_id         TEXT,
  stage           TEXT,
  artifact_class  TEXT CHECK (artifact_class IN ('preview', 'release')),
  reason          TEXT,
  created_at      TEXT NOT NULL,
  day             TEXT NOT NULL
);

CREATE UNIQUE INDEX ledger_ops_resolve_once ON ledger_ops(reservation_id) WHERE kind IN ('capture', 'void');

CREATE INDEX ledger_ops_job ON ledger_ops(job_id) WHERE job_id IS NOT NULL;

CREATE INDEX ledger_ops_reservation ON ledger_ops(reservation_id) WHERE reservation_id IS NOT NULL;

CREATE TABLE ledger_entries (
  id              TEXT PRIMARY KEY,
  op_id           TEXT NOT NULL REFERENCES ledger_ops(id),
  debit_account   TEXT NOT NULL REFERENCES ledger_accounts(id),
  credit_account  TEXT NOT NULL REFERENCES ledger_accounts(id),
  amount          BIGINT NOT NULL CHECK (amount >= 0),
  is_pending      BIGINT NOT NULL DEFAULT 0 CHECK (is_pending IN (0, 1)),
  pending_id      TEXT REFERENCES ledger_entries(id),
  resolution      TEXT CHECK (resolution IN ('post', 'void')),
  created_at      TEXT NOT NULL,
  day             TEXT NOT NULL,
  CHECK (debit_account <> credit_account),
  CHECK ((pending_id IS NULL) = (resolution IS NULL)),
  CHECK (is_pending = 0 OR pending_id IS NULL),
  CHECK (amount > 0 OR pending_id IS NOT NULL),
  CHECK (resolution IS DISTINCT FROM 'void' OR amount = 0)
);

CREATE UNIQUE INDEX ledger_entries_resolve_once ON ledger_entries(pending_id) WHERE pending_id IS NOT NULL;

CREATE INDEX ledger_entries_op ON ledger_entries(op_id);

CREATE INDEX ledger_entries_debit ON ledger_entries(debit_account);

CREATE INDEX ledger_entries_credit ON ledger_entries(credit_account);

CREATE INDEX ledger_entries_day ON ledger_entries(day);

CREATE TABLE money_settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);

CREATE TABLE money_budgets (
  project_id  TEXT PRIMARY KEY,
  credits     BIGINT NOT NULL CHECK (credits > 0),
  updated_at  TEXT NOT NULL
);

CREATE TABLE money_notices (
  user_id     TEXT NOT NULL,
  period      TEXT NOT NULL,
  threshold   BIGINT NOT NULL CHECK (threshold > 0),
  spent       BIGINT NOT NULL,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (user_id, period, threshold)
);

CREATE TABLE shots (
  id          TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL REFERENCES projects(id),
  name        TEXT NOT NULL,
  position    BIGINT NOT NULL CHECK (position > 0),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  deleted_at  TEXT
);

CREATE INDEX shots_by_project ON shots(project_id, position) WHERE deleted_at IS NULL;

CREATE UNIQUE INDEX shots_live_name ON shots(project_id, lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE config_versions (
  kind       TEXT NOT NULL CHECK (kind IN ('plan', 'rateCard')),
  source     TEXT NOT NULL CHECK (source IN ('builtin', 'user')),
  file_name  TEXT NOT NULL,
  name       TEXT NOT NULL,
  hash       TEXT NOT NULL CHECK (length(hash) = 64),
  body       TEXT NOT NULL,
  saved_at   TEXT NOT NULL,
  PRIMARY KEY (kind, source, file_name)
);

CREATE TABLE config_breaks (
  kind       TEXT NOT NULL CHECK (kind IN ('plan', 'rateCard')),
  source     TEXT NOT NULL CHECK (source IN ('builtin', 'user')),
  file_name  TEXT NOT NULL,
  since      TEXT NOT NULL,
  PRIMARY KEY (kind, source, file_name)
);

CREATE TABLE ledger_spend (
  scope   TEXT NOT NULL CHECK (scope IN ('pool', 'project', 'user')),
  key     TEXT NOT NULL,
  period  TEXT NOT NULL CHECK (period = 'all' OR period ~ '^[0-9]{4}-[0-9]{2}$' OR period ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  held    BIGINT NOT NULL DEFAULT 0 CHECK (held >= 0),
  posted  BIGINT NOT NULL DEFAULT 0 CHECK (posted >= 0),
  PRIMARY KEY (scope, period, key)
);

CREATE TABLE drafts (
  project_id     TEXT NOT NULL REFERENCES projects(id),
  shot_key       TEXT NOT NULL CHECK (shot_key = '' OR left(shot_key, 4) = 'sht_'),
  new_shot_name  TEXT NOT NULL DEFAULT '' CHECK (length(new_shot_name) <= 120),
  values_json    TEXT NOT NULL CHECK (values_json::jsonb IS NOT NULL),
  prompt_sealed  BYTEA NOT NULL,
  updated_at     BIGINT NOT NULL,
  PRIMARY KEY (project_id, shot_key)
);

CREATE FUNCTION circletake_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '% are append-only: post a correcting entry (adjust) instead', TG_ARGV[0];
END;
$fn$;

CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION circletake_append_only('ledger entries');
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION circletake_append_only('ledger entries');
CREATE TRIGGER ledger_ops_no_update BEFORE UPDATE OR DELETE ON ledger_ops
  FOR EACH ROW EXECUTE FUNCTION circletake_append_only('ledger operations');
CREATE TRIGGER ledger_ops_no_truncate BEFORE TRUNCATE ON ledger_ops
  FOR EACH STATEMENT EXECUTE FUNCTION circletake_append_only('ledger operations');
`;
