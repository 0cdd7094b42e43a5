import type Database from 'better-sqlite3';

export const version = 890;
export const name = 'create-accounts';

/**
 * A studio's accounts (electron/core/accounts):
 * - members: a name and a role; `created_by` is the inviting member's id or 'owner'; disabled members'
 *   tokens are refused;
 * - member_invites: a one-time secret kept as its sha-256, until it expires or is accepted (once);
 * - member_tokens: a member's bearer tokens, kept as their sha-256 only, with expiry, last use and revocation;
 * - account_events: who changed what (invites, joins, role changes, revocations, and every other change a
 *   member makes, by call name), the account side of the admin's audit. The money side is ledger_ops,
 *   whose `user_id` is the member who submitted the job (indexed here for the audit).
 */
const HEX64 = (col: string) => `CHECK (length(${col}) = 64 AND ${col} NOT GLOB '*[^0-9a-f]*')`;
const ROLE = `CHECK (role IN ('admin', 'filmmaker', 'producer', 'reviewer'))`;

const MEMBERS = `
CREATE TABLE members (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  role         TEXT NOT NULL ${ROLE},
  created_by   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  disabled_at  INTEGER
)`;

const INVITES = `
CREATE TABLE member_invites (
  id             TEXT PRIMARY KEY,
  secret_sha256  TEXT NOT NULL UNIQUE ${HEX64('secret_sha256')},
  name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  role           TEXT NOT NULL ${ROLE},
  created_by     TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  accepted_at    INTEGER,
  member_id      TEXT REFERENCES members(id),
  CHECK ((accepted_at IS NULL) = (member_id IS NULL))
)`;

const TOKENS = `
CREATE TABLE member_tokens (
  id            TEXT PRIMARY KEY,
  member_id     TEXT NOT NULL REFERENCES members(id),
  token_sha256  TEXT NOT NULL UNIQUE ${HEX64('token_sha256')},
  label         TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  last_used_at  INTEGER,
  revoked_at    INTEGER,
  revoked_by    TEXT
)`;

const EVENTS = `
CREATE TABLE account_events (
  id        TEXT PRIMARY KEY,
  at        INTEGER NOT NULL,
  actor_id  TEXT,
  kind      TEXT NOT NULL CHECK (kind IN ('invited', 'joined', 'roleChanged', 'tokenRevoked', 'disabled', 'enabled', 'call')),
  subject   TEXT,
  detail    TEXT NOT NULL
)`;

const INDEXES = `
CREATE INDEX member_tokens_member ON member_tokens(member_id, created_at);
CREATE INDEX account_events_at ON account_events(at, id);
CREATE INDEX account_events_actor ON account_events(actor_id, at) WHERE actor_id IS NOT NULL;
CREATE INDEX ledger_ops_user ON ledger_ops(user_id, created_at) WHERE user_id IS NOT NULL;`;

export function up(db: Database.Database): void {
  db.exec(`${MEMBERS} STRICT;\n${INVITES} STRICT;\n${TOKENS} STRICT;\n${EVENTS} STRICT;\n${INDEXES}`);
}

const toPg = (t: string) => t.replace(/INTEGER/g, 'BIGINT').replace(/(\w+) NOT GLOB '\*\[\^0-9a-f\]\*'/g, (_all, col: string) => `${col} ~ '^[0-9a-f]*$'`);
export const pg = `${toPg(MEMBERS)};\n${toPg(INVITES)};\n${toPg(TOKENS)};\n${toPg(EVENTS)};\n${INDEXES}`;
