import type Database from 'better-sqlite3';
import type { Shot } from '../../../shared/contract/shots';
import { AppError } from '../../../shared/errors';
import type { CoreEvents } from '../coreEvents';
import type { Db } from '../db/db';
import type { Clock, Ids } from '../ports';
import type { ProjectService } from '../projects/projectService';

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

/** Shots: slots in a project's sequence. Positions are dense 1..n; finals are stitched in that order. */
export class ShotService {
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly projects: ProjectService,
    private readonly events: CoreEvents,
    private readonly clock: Clock,
    private readonly ids: Ids,
  ) {
    const c: Database.Database = db.conn;
    this.s = {
      list: c.prepare<{ projectId: string }, ShotRow>(`SELECT ${COLS} FROM shots WHERE project_id = @projectId AND deleted_at IS NULL ORDER BY position`),
      get: c.prepare<{ id: string }, ShotRow>(`SELECT ${COLS} FROM shots WHERE id = @id AND deleted_at IS NULL`),
      byName: c.prepare<{ projectId: string; name: string }, ShotRow>(
        `SELECT ${COLS} FROM shots WHERE project_id = @projectId AND lower(name) = lower(@name) AND deleted_at IS NULL`,
      ),
      insert: c.prepare(`INSERT INTO shots (id, project_id, name, position, created_at, updated_at) VALUES (@id, @projectId, @name, @position, @now, @now)`),
      rename: c.prepare(`UPDATE shots SET name = @name, updated_at = @now WHERE id = @id`),
      setPosition: c.prepare(`UPDATE shots SET position = @position, updated_at = @now WHERE id = @id`),
      softDelete: c.prepare(`UPDATE shots SET deleted_at = @now, updated_at = @now WHERE id = @id`),
    };
  }

  list(projectId: string): Shot[] {
    this.projects.get(projectId);
    return this.s.list.all({ projectId }).map(toShot);
  }

  get(id: string): Shot {
    const r = this.s.get.get({ id });
    if (!r) throw new AppError('NOT_FOUND', `No shot with id ${id}. List the project's shots to see the ids that exist.`, { field: 'id', id });
    return toShot(r);
  }

  findByName(projectId: string, name: string): Shot | undefined {
    const r = this.s.byName.get({ projectId, name: name.trim() });
    return r ? toShot(r) : undefined;
  }

  create(projectId: string, name: string): Shot {
    const clean = name.trim();
    const id = this.ids.newId('sht');
    this.db.immediate(() => {
      this.projects.get(projectId);
      this.assertNameFree(projectId, clean);
      const position = this.s.list.all({ projectId }).length + 1;
      this.s.insert.run({ id, projectId, name: clean, position, now: this.now() });
    });
    this.changed(projectId);
    return this.get(id);
  }

  rename(id: string, name: string): Shot {
    const clean = name.trim();
    const shot = this.get(id);
    this.db.immediate(() => {
      this.assertNameFree(shot.projectId, clean, id);
      this.s.rename.run({ id, name: clean, now: this.now() });
    });
    this.changed(shot.projectId);
    return this.get(id);
  }

  move(id: string, position: number): Shot[] {
    const shot = this.get(id);
    this.db.immediate(() => {
      const order = this.s.list.all({ projectId: shot.projectId }).map((r) => r.id).filter((sid) => sid !== id);
      const at = Math.min(Math.max(position, 1), order.length + 1) - 1;
      order.splice(at, 0, id);
      this.renumber(order);
    });
    return this.changed(shot.projectId);
  }

  delete(id: string): { id: string } {
    const shot = this.get(id);
    this.db.immediate(() => {
      this.s.softDelete.run({ id, now: this.now() });
      this.renumber(this.s.list.all({ projectId: shot.projectId }).map((r) => r.id));
    });
    this.changed(shot.projectId);
    return { id };
  }

  private renumber(ids: string[]): void {
    const now = this.now();
    ids.forEach((sid, i) => this.s.setPosition.run({ id: sid, position: i + 1, now }));
  }

  private assertNameFree(projectId: string, name: string, exceptId?: string): void {
    const clash = this.findByName(projectId, name);
    if (clash && clash.id !== exceptId) {
      throw new AppError('CONFLICT', `This project already has a shot named "${clash.name}". Pick another name.`, { field: 'name', existingId: clash.id });
    }
  }

  private changed(projectId: string): Shot[] {
    const shots = this.s.list.all({ projectId }).map(toShot);
    this.events.emit('shots.changed', { projectId, shots });
    return shots;
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
