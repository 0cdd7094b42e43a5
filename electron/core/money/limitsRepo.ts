import type { Queryable } from '../db/engine/sqlEngine';

/**
 * SQL for the limits and spend notices an admin sets (migration 0910): money_limits, the webhook's
 * setting (money_settings 'notify.webhook') and money_webhook_deliveries. The guard's own read of the
 * limits is ledgerRepo's limitsForGuard (one read with the project's budget).
 */
export type LimitScope = 'user' | 'project' | 'studio';

export interface LimitRow {
  scope: LimitScope;
  key: string;
  monthly: number | null;
  daily: number | null;
  notify_at: string | null;
  updated_by: string | null;
  updated_at: string;
}

export interface DeliveryRow {
  id: string;
  user_id: string;
  period: string;
  threshold: number;
  spent: number;
  target: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export const WEBHOOK_SETTING = 'notify.webhook';

export const limitsRepo = {
  all(q: Queryable): Promise<LimitRow[]> {
    return q.all<LimitRow>('SELECT scope, key, monthly, daily, notify_at, updated_by, updated_at FROM money_limits ORDER BY scope, key');
  },

  get(q: Queryable, scope: LimitScope, key: string): Promise<LimitRow | undefined> {
    return q.get<LimitRow>('SELECT scope, key, monthly, daily, notify_at, updated_by, updated_at FROM money_limits WHERE scope = ? AND key = ?', [scope, key]);
  },

  async put(q: Queryable, r: LimitRow): Promise<void> {
    if (r.monthly === null && r.daily === null && r.notify_at === null) {
      await q.run('DELETE FROM money_limits WHERE scope = ? AND key = ?', [r.scope, r.key]);
      return;
    }
    await q.run(
      `INSERT INTO money_limits (scope, key, monthly, daily, notify_at, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (scope, key) DO UPDATE SET monthly = excluded.monthly, daily = excluded.daily, notify_at = excluded.notify_at,
         updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      [r.scope, r.key, r.monthly, r.daily, r.notify_at, r.updated_by, r.updated_at],
    );
  },

  /** The member's own thresholds and the studio's default (either may be missing). */
  noticeThresholds(q: Queryable, userId: string): Promise<{ scope: LimitScope; notify_at: string | null }[]> {
    return q.all("SELECT scope, notify_at FROM money_limits WHERE (scope = 'user' AND key = ?) OR (scope = 'studio' AND key = '*')", [userId]);
  },

  members(q: Queryable): Promise<{ id: string; name: string }[]> {
    return q.all('SELECT id, name FROM members ORDER BY name, id');
  },

  /** Members by id, or by name (case-insensitive). */
  membersMatching(q: Queryable, idOrName: string): Promise<{ id: string; name: string }[]> {
    return q.all('SELECT id, name FROM members WHERE id = ? OR lower(name) = lower(?) ORDER BY id', [idOrName, idOrName]);
  },

  projects(q: Queryable): Promise<{ id: string; name: string; budget: number | null }[]> {
    return q.all(
      'SELECT p.id, p.name, b.credits AS budget FROM projects p LEFT JOIN money_budgets b ON b.project_id = p.id WHERE p.deleted_at IS NULL ORDER BY p.name, p.id',
    );
  },

  /** Held + charged per key of a scope in a period (ledger_spend). */
  spendIn(q: Queryable, scope: 'user' | 'project', period: string): Promise<{ key: string; n: number }[]> {
    return q.all('SELECT key, held + posted AS n FROM ledger_spend WHERE scope = ? AND period = ?', [scope, period]);
  },

  async setting(q: Queryable, key: string): Promise<string | null> {
    return (await q.get<{ value: string }>('SELECT value FROM money_settings WHERE key = ?', [key]))?.value ?? null;
  },

  async putSetting(q: Queryable, key: string, value: string | null): Promise<void> {
    if (value === null) await q.run('DELETE FROM money_settings WHERE key = ?', [key]);
    else await q.run('INSERT INTO money_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  },

  /** A new delivery (false: this notice was already sent, by this process or another). */
  async insertDelivery(q: Queryable, r: DeliveryRow): Promise<boolean> {
    const res = await q.run(
      `INSERT INTO money_webhook_deliveries (id, user_id, period, threshold, spent, target, state, attempts, last_status, last_error, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [r.id, r.user_id, r.period, r.threshold, r.spent, r.target, r.state, r.attempts, r.last_status, r.last_error, r.created_at, r.updated_at],
    );
    return res.changes === 1;
  },

  async updateDelivery(q: Queryable, id: string, f: Pick<DeliveryRow, 'state' | 'attempts' | 'last_status' | 'last_error' | 'updated_at'>): Promise<void> {
    await q.run('UPDATE money_webhook_deliveries SET state = ?, attempts = ?, last_status = ?, last_error = ?, updated_at = ? WHERE id = ?', [
      f.state, f.attempts, f.last_status, f.last_error, f.updated_at, id,
    ]);
  },

  /** Sends left pending with no word since `before` (their process was cut off: a live one writes after every try). */
  stalePending(q: Queryable, before: string): Promise<DeliveryRow[]> {
    return q.all<DeliveryRow>("SELECT * FROM money_webhook_deliveries WHERE state = 'pending' AND updated_at < ? ORDER BY created_at, id", [before]);
  },

  /** Takes a stale send over (false: another process took it first). */
  async claimDelivery(q: Queryable, id: string, seen: string, now: string): Promise<boolean> {
    return (await q.run("UPDATE money_webhook_deliveries SET updated_at = ? WHERE id = ? AND state = 'pending' AND updated_at = ?", [now, id, seen])).changes === 1;
  },

  deliveries(q: Queryable, limit: number): Promise<DeliveryRow[]> {
    return q.all<DeliveryRow>('SELECT * FROM money_webhook_deliveries ORDER BY created_at DESC, id DESC LIMIT ?', [limit]);
  },
};

/** "1000,5000" ↔ [1000, 5000]; null = not set; '' = none. */
export const thresholdsOf = (s: string | null): number[] | null => (s === null ? null : s === '' ? [] : s.split(',').map(Number));
export const thresholdsText = (a: number[] | null): string | null => (a === null ? null : a.join(','));
