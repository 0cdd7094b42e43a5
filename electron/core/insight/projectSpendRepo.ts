import type { Queryable } from '../db/engine/sqlEngine';

/** SQL of per-project spend thresholds and their crossings (migration 0510), on either engine. */
export const projectSpendRepo = {
  /**
   * An op's project, and whether it has any thresholds (its own, or a budget's) — one read, so an op of a
   * project without thresholds (most) costs one statement.
   */
  async opProjectWatch(q: Queryable, opId: string): Promise<{ projectId: string; isWatched: boolean } | null> {
    const r = await q.get<{ project_id: string | null; own: number; budgets: number }>(
      `SELECT o.project_id,
         (SELECT count(*) FROM project_spend_thresholds t WHERE t.project_id = o.project_id) AS own,
         (SELECT count(*) FROM money_budgets b WHERE b.project_id = o.project_id) AS budgets
       FROM ledger_ops o WHERE o.id = ?`,
      [opId],
    );
    if (!r?.project_id) return null;
    return { projectId: r.project_id, isWatched: Number(r.own) > 0 || Number(r.budgets) > 0 };
  },

  /** Posted spend of the project: captures and debits into sys:spend, minus refunds. */
  async spent(q: Queryable, projectId: string): Promise<number> {
    const r = await q.get<{ n: number | null }>(
      `SELECT sum(CASE WHEN e.credit_account = 'sys:spend' THEN e.amount ELSE -e.amount END) AS n
       FROM ledger_entries e JOIN ledger_ops o ON o.id = e.op_id
       WHERE o.project_id = ? AND e.is_pending = 0 AND e.amount > 0 AND (e.credit_account = 'sys:spend' OR e.debit_account = 'sys:refunds')`,
      [projectId],
    );
    return r?.n ?? 0;
  },

  async own(q: Queryable, projectId: string): Promise<number[]> {
    return (await q.all<{ threshold: number }>('SELECT threshold FROM project_spend_thresholds WHERE project_id = ? ORDER BY threshold', [projectId])).map((r) => r.threshold);
  },

  async budget(q: Queryable, projectId: string): Promise<number | null> {
    return (await q.get<{ credits: number }>('SELECT credits FROM money_budgets WHERE project_id = ?', [projectId]))?.credits ?? null;
  },

  async projectName(q: Queryable, projectId: string): Promise<string | null> {
    return (await q.get<{ name: string }>('SELECT name FROM projects WHERE id = ? AND deleted_at IS NULL', [projectId]))?.name ?? null;
  },

  async projectIds(q: Queryable): Promise<string[]> {
    const rows = await q.all<{ id: string; name: string }>('SELECT id, name FROM projects WHERE deleted_at IS NULL');
    return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1)).map((p) => p.id);
  },

  crossing(q: Queryable, projectId: string, threshold: number): Promise<{ is_armed: number; crossings: number } | undefined> {
    return q.get('SELECT is_armed, crossings FROM project_spend_crossings WHERE project_id = ? AND threshold = ?', [projectId, threshold]);
  },

  crossings(q: Queryable, projectId: string): Promise<{ threshold: number; is_armed: number }[]> {
    return q.all('SELECT threshold, is_armed FROM project_spend_crossings WHERE project_id = ? ORDER BY threshold', [projectId]);
  },

  async insertCrossing(q: Queryable, projectId: string, threshold: number, spent: number, now: number): Promise<void> {
    await q.run('INSERT INTO project_spend_crossings (project_id, threshold, spent, crossed_at) VALUES (?, ?, ?, ?)', [projectId, threshold, spent, now]);
  },

  /** A new crossing of an armed threshold; false when it was already crossed (not re-armed). */
  async recross(q: Queryable, projectId: string, threshold: number, spent: number, now: number): Promise<boolean> {
    const r = await q.run(
      'UPDATE project_spend_crossings SET is_armed = 0, crossings = crossings + 1, spent = ?, crossed_at = ? WHERE project_id = ? AND threshold = ? AND is_armed = 1',
      [spent, now, projectId, threshold],
    );
    return r.changes > 0;
  },

  async rearm(q: Queryable, projectId: string, threshold: number): Promise<void> {
    await q.run('UPDATE project_spend_crossings SET is_armed = 1 WHERE project_id = ? AND threshold = ? AND is_armed = 0', [projectId, threshold]);
  },

  async replaceOwn(q: Queryable, projectId: string, thresholds: readonly number[], now: number): Promise<void> {
    await q.run('DELETE FROM project_spend_thresholds WHERE project_id = ?', [projectId]);
    for (const t of thresholds) await q.run('INSERT INTO project_spend_thresholds (project_id, threshold, created_at) VALUES (?, ?, ?)', [projectId, t, now]);
  },

  /** Forgets the crossings of thresholds no longer in force. */
  async dropStale(q: Queryable, projectId: string, keep: readonly number[]): Promise<void> {
    const rows = await projectSpendRepo.crossings(q, projectId);
    for (const r of rows) if (!keep.includes(r.threshold)) await q.run('DELETE FROM project_spend_crossings WHERE project_id = ? AND threshold = ?', [projectId, r.threshold]);
  },
};
