import type Database from 'better-sqlite3';

export const version = 100;
export const name = 'create-ledger';

/**
 * The credit ledger (TigerBeetle-shaped, see electron/core/money/creditLedger.ts):
 * - ledger_accounts: one row per pool account (web:allowance:<cycle start>, web:grant, api:purchased, …)
 *   and per system account (sys:issuance, sys:spend, sys:expired, sys:refunds), with cached totals.
 *   The CHECK refuses an overdraft counting reservations, except on accounts allowed to go negative.
 * - ledger_ops: one row per operation, keyed by the caller's idempotency id, with the canonical request
 *   (to refuse the same id with different fields) and the result (to answer an identical resend).
 *   A reservation resolves at most once: a unique index over (reservation_id) for captures and voids.
 * - ledger_entries: double-entry transfers (debit account, credit account, integer amount). Pending
 *   entries are reservation holds; a post or void entry resolves one pending entry exactly once.
 * Ops and entries are append-only: triggers abort UPDATE and DELETE.
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE ledger_accounts (
      id               TEXT PRIMARY KEY,
      pool             TEXT,
      surface          TEXT,
      kind             TEXT NOT NULL CHECK (kind IN ('allowance', 'grant', 'purchased', 'system')),
      cycle_start      TEXT,
      cycle_end        TEXT,
      may_go_negative  INTEGER NOT NULL DEFAULT 0 CHECK (may_go_negative IN (0, 1)),
      debits_posted    INTEGER NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
      credits_posted   INTEGER NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
      debits_pending   INTEGER NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
      credits_pending  INTEGER NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
      closed_at        TEXT,
      created_at       TEXT NOT NULL,
      CHECK (may_go_negative = 1 OR debits_posted + debits_pending <= credits_posted),
      CHECK ((kind = 'system') = (pool IS NULL))
    ) STRICT;
    CREATE INDEX ledger_accounts_pool ON ledger_accounts(pool);

    CREATE TABLE ledger_ops (
      id              TEXT PRIMARY KEY,
      kind            TEXT NOT NULL CHECK (kind IN ('grant', 'allowance', 'purchase', 'adjust', 'reserve', 'capture', 'void', 'debit', 'refund', 'expire')),
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
    ) STRICT;
    CREATE UNIQUE INDEX ledger_ops_resolve_once ON ledger_ops(reservation_id) WHERE kind IN ('capture', 'void');
    CREATE INDEX ledger_ops_job ON ledger_ops(job_id) WHERE job_id IS NOT NULL;
    CREATE INDEX ledger_ops_reservation ON ledger_ops(reservation_id) WHERE reservation_id IS NOT NULL;

    CREATE TABLE ledger_entries (
      id              TEXT PRIMARY KEY,
      op_id           TEXT NOT NULL REFERENCES ledger_ops(id),
      debit_account   TEXT NOT NULL REFERENCES ledger_accounts(id),
      credit_account  TEXT NOT NULL REFERENCES ledger_accounts(id),
      amount          INTEGER NOT NULL CHECK (amount >= 0),
      is_pending      INTEGER NOT NULL DEFAULT 0 CHECK (is_pending IN (0, 1)),
      pending_id      TEXT REFERENCES ledger_entries(id),
      resolution      TEXT CHECK (resolution IN ('post', 'void')),
      created_at      TEXT NOT NULL,
      day             TEXT NOT NULL,
      CHECK (debit_account <> credit_account),
      CHECK ((pending_id IS NULL) = (resolution IS NULL)),
      CHECK (is_pending = 0 OR pending_id IS NULL),
      CHECK (amount > 0 OR pending_id IS NOT NULL),
      CHECK (resolution IS NOT 'void' OR amount = 0)
    ) STRICT;
    CREATE UNIQUE INDEX ledger_entries_resolve_once ON ledger_entries(pending_id) WHERE pending_id IS NOT NULL;
    CREATE INDEX ledger_entries_op ON ledger_entries(op_id);
    CREATE INDEX ledger_entries_debit ON ledger_entries(debit_account);
    CREATE INDEX ledger_entries_credit ON ledger_entries(credit_account);
    CREATE INDEX ledger_entries_day ON ledger_entries(day);

    CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
      BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: post a correcting entry (adjust) instead'); END;
    CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
      BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: post a correcting entry (adjust) instead'); END;
    CREATE TRIGGER ledger_ops_no_update BEFORE UPDATE ON ledger_ops
      BEGIN SELECT RAISE(ABORT, 'ledger operations are append-only'); END;
    CREATE TRIGGER ledger_ops_no_delete BEFORE DELETE ON ledger_ops
      BEGIN SELECT RAISE(ABORT, 'ledger operations are append-only'); END;
  `);
}
