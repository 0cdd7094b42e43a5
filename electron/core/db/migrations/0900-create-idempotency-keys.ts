import type Database from 'better-sqlite3';

export const version = 900;
export const name = 'create-idempotency-keys';

/**
 * The answers of the studio server's mutating calls, by the caller's Idempotency-Key (electron/host/studio/
 * idempotencyKeys.ts), so a retry — on the same studio process or another one behind the load balancer,
 * even after the first was killed — gets the first answer instead of running the call again.
 * - caller: who sent it (a member id, or role and name); the same key from two callers is two keys;
 * - body_hash: sha256 of the call name and its canonical input: the same key with another body is refused;
 * - state 'running' while the first attempt runs (its process beats `beat_at`), then 'done' with the answer;
 * - expires_at: swept after it (24 h by default).
 */
const SCHEMA = `
CREATE TABLE idempotency_keys (
  caller      TEXT NOT NULL,
  idem_key    TEXT NOT NULL,
  call_name   TEXT NOT NULL,
  body_hash   TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('running', 'done')),
  owner       TEXT NOT NULL,
  http_status INTEGER,
  answer      TEXT,
  claimed_at  INTEGER NOT NULL,
  beat_at     INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  CHECK (state = 'running' OR (answer IS NOT NULL AND http_status IS NOT NULL)),
  PRIMARY KEY (caller, idem_key)
)`;

const EXPIRY = 'CREATE INDEX idempotency_keys_expiry ON idempotency_keys(expires_at);';

export function up(db: Database.Database): void {
  db.exec(`${SCHEMA} STRICT;\n${EXPIRY}`);
}

export const pg = `${SCHEMA.replace(/INTEGER/g, 'BIGINT')};\n${EXPIRY}`;
