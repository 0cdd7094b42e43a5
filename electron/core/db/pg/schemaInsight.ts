/** Insight settings and calibration, spend thresholds, benchmarks and asset labels (PostgreSQL, schema version 820; see ./0820-baseline.ts). */
export const sql = `
CREATE TABLE insight_settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL CHECK (value::jsonb IS NOT NULL)
);

CREATE TABLE insight_calibration (
  provider      TEXT NOT NULL CHECK (provider IN ('local', 'runway', 'import')),
  model         TEXT NOT NULL CHECK (length(model) BETWEEN 1 AND 200),
  is_enabled    BIGINT NOT NULL CHECK (is_enabled IN (0, 1)),
  applied_json  TEXT CHECK (applied_json IS NULL OR (applied_json::jsonb IS NOT NULL)),
  updated_at    BIGINT NOT NULL,
  PRIMARY KEY (provider, model),
  CHECK (is_enabled = 0 OR applied_json IS NOT NULL)
);

CREATE TABLE project_spend_thresholds (
  project_id  TEXT NOT NULL REFERENCES projects(id),
  threshold   BIGINT NOT NULL CHECK (threshold > 0),
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (project_id, threshold)
);

CREATE TABLE project_spend_crossings (
  project_id  TEXT NOT NULL REFERENCES projects(id),
  threshold   BIGINT NOT NULL CHECK (threshold > 0),
  spent       BIGINT NOT NULL,
  crossings   BIGINT NOT NULL DEFAULT 1 CHECK (crossings >= 1),
  is_armed    BIGINT NOT NULL DEFAULT 0 CHECK (is_armed IN (0, 1)),
  crossed_at  BIGINT NOT NULL,
  PRIMARY KEY (project_id, threshold)
);

CREATE TABLE benchmark_runs (
  id           TEXT PRIMARY KEY,
  provider     TEXT NOT NULL,
  plan         TEXT NOT NULL,
  model        TEXT NOT NULL,
  day          TEXT NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  report_json  TEXT NOT NULL CHECK (report_json::jsonb IS NOT NULL),
  file         TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  applied_at   BIGINT,
  applied_file TEXT,
  CHECK ((applied_at IS NULL) = (applied_file IS NULL))
);

CREATE INDEX benchmark_runs_by_time ON benchmark_runs(created_at);

CREATE TABLE asset_labels (
  project_id  TEXT NOT NULL REFERENCES projects(id),
  sha256      TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 ~ '^[0-9a-f]*$'),
  label       TEXT NOT NULL CHECK (label IN ('public', 'internal', 'confidential', 'restricted')),
  source      TEXT NOT NULL CHECK (source IN ('user', 'manifest')),
  file_name   TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  set_at      BIGINT NOT NULL,
  PRIMARY KEY (project_id, sha256)
);

CREATE INDEX asset_labels_by_content ON asset_labels(sha256);
`;
