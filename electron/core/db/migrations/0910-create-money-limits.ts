import type Database from 'better-sqlite3';

export const version = 910;
export const name = 'create-money-limits';

/**
 * Spending limits and spend notices an admin sets (electron/core/money/moneyLimits.ts):
 * - money_limits: one row per member ('user', member id: monthly budget, daily cap, notice thresholds),
 *   per project ('project', project id: daily cap) and the studio's default thresholds ('studio', '*').
 *   NULL = not set; notify_at is the thresholds as ascending comma-separated credits ('' = no notices).
 *   updated_by is the admin's member id (NULL: the studio's owner);
 * - money_webhook_deliveries: each spend notice sent to the webhook (one per member, month and
 *   threshold, as money_notices), its state and attempts, so an admin sees the failures. `target` is the
 *   webhook's origin only (a path may carry a token);
 * - account_events may record 'limitChanged' (the admin's audit lists who changed which limit).
 */
const LIMITS = `
CREATE TABLE money_limits (
  scope       TEXT NOT NULL CHECK (scope IN ('user', 'project', 'studio')),
  key         TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  monthly     INTEGER CHECK (monthly IS NULL OR monthly > 0),
  daily       INTEGER CHECK (daily IS NULL OR daily > 0),
  notify_at   TEXT,
  updated_by  TEXT,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (scope, key)
)`;

const DELIVERIES = `
CREATE TABLE money_webhook_deliveries (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL,
  period       TEXT NOT NULL,
  threshold    INTEGER NOT NULL CHECK (threshold > 0),
  spent        INTEGER NOT NULL,
  target       TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_status  INTEGER,
  last_error   TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  UNIQUE (user_id, period, threshold)
)`;

const DELIVERIES_INDEX = 'CREATE INDEX money_webhook_deliveries_at ON money_webhook_deliveries(created_at, id);';

const KINDS = `'invited', 'joined', 'roleChanged', 'tokenRevoked', 'disabled', 'enabled', 'call', 'limitChanged'`;

/** SQLite cannot alter a CHECK: account_events is rebuilt with the new kind (its rows and indexes kept). */
const SQLITE_EVENTS = `
CREATE TABLE account_events_new (
  id        TEXT PRIMARY KEY,
  at        INTEGER NOT NULL,
  actor_id  TEXT,
  kind      TEXT NOT NULL CHECK (kind IN (${KINDS})),
  subject   TEXT,
  detail    TEXT NOT NULL
) STRICT;
INSERT INTO account_events_new (id, at, actor_id, kind, subject, detail) SELECT id, at, actor_id, kind, subject, detail FROM account_events;
DROP TABLE account_events;
ALTER TABLE account_events_new RENAME TO account_events;
CREATE INDEX account_events_at ON account_events(at, id);
CREATE INDEX account_events_actor ON account_events(actor_id, at) WHERE actor_id IS NOT NULL;`;

export function up(db: Database.Database): void {
  db.exec(`${LIMITS} STRICT;\n${DELIVERIES} STRICT;\n${DELIVERIES_INDEX}\n${SQLITE_EVENTS}`);
}

export const pg = `${LIMITS.replace(/INTEGER/g, 'BIGINT')};
${DELIVERIES.replace(/INTEGER/g, 'BIGINT')};
${DELIVERIES_INDEX}
ALTER TABLE account_events DROP CONSTRAINT account_events_kind_check;
ALTER TABLE account_events ADD CONSTRAINT account_events_kind_check CHECK (kind IN (${KINDS}));`;
