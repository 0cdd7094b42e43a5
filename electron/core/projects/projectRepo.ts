import type { Project } from '../../../shared/contract/projects';
import type { Queryable } from '../db/engine/sqlEngine';

interface ProjectRow {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

const toProject = (r: ProjectRow): Project => ({ id: r.id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at });
const COLS = 'id, name, created_at, updated_at';

/** The projects table, on either engine: each method runs on `q` (the engine, or a caller's transaction). */
export const projectRepo = {
  async list(q: Queryable): Promise<Project[]> {
    const rows = await q.all<ProjectRow>(`SELECT ${COLS} FROM projects WHERE deleted_at IS NULL ORDER BY created_at, rowid`);
    return rows.map(toProject);
  },

  async get(q: Queryable, id: string): Promise<Project | undefined> {
    const r = await q.get<ProjectRow>(`SELECT ${COLS} FROM projects WHERE id = ? AND deleted_at IS NULL`, [id]);
    return r ? toProject(r) : undefined;
  },

  async findByName(q: Queryable, name: string): Promise<Project | undefined> {
    const r = await q.get<ProjectRow>(`SELECT ${COLS} FROM projects WHERE lower(name) = lower(?) AND deleted_at IS NULL`, [name]);
    return r ? toProject(r) : undefined;
  },

  async insert(q: Queryable, id: string, name: string, now: string): Promise<void> {
    await q.run('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)', [id, name, now, now]);
  },

  async rename(q: Queryable, id: string, name: string, now: string): Promise<number> {
    return (await q.run('UPDATE projects SET name = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL', [name, now, id])).changes;
  },

  async softDelete(q: Queryable, id: string, now: string): Promise<number> {
    return (await q.run('UPDATE projects SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL', [now, now, id])).changes;
  },
};
