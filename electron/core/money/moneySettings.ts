import type { Queryable, SqlEngine } from '../db/engine/sqlEngine';
import type { SettingsStore } from './planRegistry';

const GET = 'SELECT value FROM money_settings WHERE key = ?';
const SET = 'INSERT INTO money_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value';
const CLEAR = 'DELETE FROM money_settings WHERE key = ?';

/**
 * The money_settings table (migration 0110), on either engine: the active plan and rate-card override,
 * and the provider's last reading and usage check.
 */
export class MoneySettings implements SettingsStore {
  constructor(private readonly engine: SqlEngine) {}

  /** Through `q` inside a transaction (a read on the engine there would wait for the transaction to end). */
  async get(key: string, q: Queryable = this.engine): Promise<string | null> {
    return (await q.get<{ value: string }>(GET, [key]))?.value ?? null;
  }

  /** Every key in one transaction; null removes a key. */
  set(values: Readonly<Record<string, string | null>>): Promise<void> {
    return this.engine.tx((q) => this.setIn(q, values), { idempotent: true });
  }

  async setIn(q: Queryable, values: Readonly<Record<string, string | null>>): Promise<void> {
    for (const [key, value] of Object.entries(values)) {
      if (value === null) await q.run(CLEAR, [key]);
      else await q.run(SET, [key, value]);
    }
  }
}
