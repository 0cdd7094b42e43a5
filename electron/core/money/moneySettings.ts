import type { Db } from '../db/db';
import type { SettingsStore } from './planRegistry';

/** The money_settings table (migration 0110): the active plan and rate-card override. */
export class MoneySettings implements SettingsStore {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      get: db.conn.prepare<{ key: string }, { value: string }>('SELECT value FROM money_settings WHERE key = @key'),
      set: db.conn.prepare<{ key: string; value: string }>(
        'INSERT INTO money_settings (key, value) VALUES (@key, @value) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ),
      clear: db.conn.prepare<{ key: string }>('DELETE FROM money_settings WHERE key = @key'),
    };
  }

  get(key: string): string | null {
    return this.stmts.get.get({ key })?.value ?? null;
  }

  set(key: string, value: string | null): void {
    if (value === null) this.stmts.clear.run({ key });
    else this.stmts.set.run({ key, value });
  }
}
