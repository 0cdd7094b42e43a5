import type { Shot } from '../../../shared/contract/shots';
import type { Queryable } from '../db/engine/sqlEngine';

interface ShotRow {
  id: string;
  project_id: string;
  name: string;
  position: number;
  created_at: string;
  updated_at: string;
}

const toShot = (r: ShotRow): Shot => ({ id: r.id, projectId: r.project_id, name: r.name, position: r.position, createdAt: r.created_at, updatedAt: r.updated_at });
const COLS = 'id, project_id, name, position, created_at, updated_at';

/** The shots table, on either engine: each method runs on `q` (the engine, or a caller's transaction). */
export const shotRepo = {
  async list(q: Queryable, projectId: string): Promise<Shot[]> {
    const rows = await q.all<ShotRow>(`SELECT ${COLS} FROM shots WHERE project_id = ? AND deleted_at IS NULL ORDER BY position`, [projectId]);
    return rows.map(toShot);
  },

  async get(q: Queryable, id: string): Promise<Shot | undefined> {
    const r = await q.get<ShotRow>(`SELECT ${COLS} FROM shots WHERE id = ? AND deleted_at IS NULL`, [id]);
    return r ? toShot(r) : undefined;
  },

  async findByName(q: Queryable, projectId: string, name: string): Promise<Shot | undefined> {
    const r = await q.get<ShotRow>(`SELECT ${COLS} FROM shots WHERE project_id = ? AND lower(name) = lower(?) AND deleted_at IS NULL`, [projectId, name]);
    return r ? toShot(r) : undefined;
  },

  /** Appended after the project's last live shot. */
  async insert(q: Queryable, s: { id: string; projectId: string; name: string; now: string }): Promise<void> {
    await q.run(
      `INSERT INTO shots (id, project_id, name, position, created_at, updated_at)
       VALUES (?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM shots WHERE project_id = ? AND deleted_at IS NULL), ?, ?)`,
      [s.id, s.projectId, s.name, s.projectId, s.now, s.now],
    );
  },

  async rename(q: Queryable, id: string, name: string, now: string): Promise<void> {
    await q.run('UPDATE shots SET name = ?, updated_at = ? WHERE id = ?', [name, now, id]);
  },

  async setPosition(q: Queryable, id: string, position: number, now: string): Promise<void> {
    await q.run('UPDATE shots SET position = ?, updated_at = ? WHERE id = ?', [position, now, id]);
  },

  async softDelete(q: Queryable, id: string, now: string): Promise<void> {
    await q.run('UPDATE shots SET deleted_at = ?, updated_at = ? WHERE id = ?', [now, now, id]);
  },
};

