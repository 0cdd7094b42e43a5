import type { Queryable } from '../../core/db/engine/sqlEngine';

/** The SQL of the idempotency keys (migration 0900), on either engine. */

export interface KeyRow {
  call_name: string;
  body_hash: string;
  state: 'running' | 'done';
  owner: string;
  http_status: number | null;
  answer: string | null;
  beat_at: number;
  expires_at: number;
}

export interface Claim {
  caller: string;
  key: string;
  callName: string;
  bodyHash: string;
  owner: string;
  now: number;
  expiresAt: number;
}

export const idempotencyRepo = {
  /** Takes the key: a new row, or one whose time is up (not swept yet). True when this caller now holds it. */
  async claim(q: Queryable, c: Claim): Promise<boolean> {
    const fresh = await q.run(
      `INSERT INTO idempotency_keys (caller, idem_key, call_name, body_hash, state, owner, claimed_at, beat_at, expires_at)
       VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?) ON CONFLICT (caller, idem_key) DO NOTHING`,
      [c.caller, c.key, c.callName, c.bodyHash, c.owner, c.now, c.now, c.expiresAt],
    );
    if (fresh.changes === 1) return true;
    const expired = await q.run(
      `UPDATE idempotency_keys SET call_name = ?, body_hash = ?, state = 'running', owner = ?, http_status = NULL, answer = NULL, claimed_at = ?, beat_at = ?, expires_at = ?
       WHERE caller = ? AND idem_key = ? AND expires_at <= ?`,
      [c.callName, c.bodyHash, c.owner, c.now, c.now, c.expiresAt, c.caller, c.key, c.now],
    );
    return expired.changes === 1;
  },

  get(q: Queryable, caller: string, key: string): Promise<KeyRow | undefined> {
    return q.get<KeyRow>(
      'SELECT call_name, body_hash, state, owner, http_status, answer, beat_at, expires_at FROM idempotency_keys WHERE caller = ? AND idem_key = ?',
      [caller, key],
    );
  },

  /** The holder is still at it. */
  async beat(q: Queryable, caller: string, key: string, owner: string, now: number): Promise<void> {
    await q.run("UPDATE idempotency_keys SET beat_at = ? WHERE caller = ? AND idem_key = ? AND owner = ? AND state = 'running'", [now, caller, key, owner]);
  },

  /** The first answer, kept for every repeat until the key expires. */
  async finish(q: Queryable, caller: string, key: string, owner: string, status: number, answer: string): Promise<boolean> {
    const r = await q.run(
      "UPDATE idempotency_keys SET state = 'done', http_status = ?, answer = ? WHERE caller = ? AND idem_key = ? AND owner = ? AND state = 'running'",
      [status, answer, caller, key, owner],
    );
    return r.changes === 1;
  },

  /** Gives the key back (the call was never run: a retry should run it). */
  async release(q: Queryable, caller: string, key: string, owner: string): Promise<void> {
    await q.run("DELETE FROM idempotency_keys WHERE caller = ? AND idem_key = ? AND owner = ? AND state = 'running'", [caller, key, owner]);
  },

  async sweep(q: Queryable, now: number): Promise<number> {
    return (await q.run('DELETE FROM idempotency_keys WHERE expires_at <= ?', [now])).changes;
  },
};
