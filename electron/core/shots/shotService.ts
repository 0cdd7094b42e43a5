import type { Shot } from '../../../shared/contract/shots';
import { AppError } from '../../../shared/errors';
import type { CoreEvents } from '../coreEvents';
import type { Queryable, SqlEngine } from '../db/engine/sqlEngine';
import type { Clock, Ids } from '../ports';
import type { ProjectService } from '../projects/projectService';
import { shotRepo as repo } from './shotRepo';

/** Shots: slots in a project's sequence. Positions are dense 1..n; finals are stitched in that order. */
export class ShotService {
  constructor(
    private readonly engine: SqlEngine,
    private readonly projects: ProjectService,
    private readonly events: CoreEvents,
    private readonly clock: Clock,
    private readonly ids: Ids,
  ) {}

  async list(projectId: string): Promise<Shot[]> {
    await this.projects.get(projectId);
    return repo.list(this.engine, projectId);
  }

  get(id: string): Promise<Shot> {
    return this.getIn(this.engine, id);
  }

  /** The shot, read through `q` (a caller's transaction), or NOT_FOUND naming the id. */
  async getIn(q: Queryable, id: string): Promise<Shot> {
    const shot = await repo.get(q, id);
    if (!shot) throw new AppError('NOT_FOUND', `No shot with id ${id}. List the project's shots to see the ids that exist.`, { field: 'id', id });
    return shot;
  }

  findByName(projectId: string, name: string): Promise<Shot | undefined> {
    return this.findByNameIn(this.engine, projectId, name);
  }

  findByNameIn(q: Queryable, projectId: string, name: string): Promise<Shot | undefined> {
    return repo.findByName(q, projectId, name.trim());
  }

  async create(projectId: string, name: string): Promise<Shot> {
    const shot = await this.engine.tx((q) => this.createIn(q, projectId, name));
    await this.announce(projectId);
    return shot;
  }

  /** Appends the shot inside the caller's transaction; the caller announces the project's shots (announce) after commit. */
  async createIn(q: Queryable, projectId: string, name: string): Promise<Shot> {
    const clean = name.trim();
    const id = this.ids.newId('sht');
    await this.projects.getIn(q, projectId);
    await this.assertNameFree(q, projectId, clean);
    await repo.insert(q, { id, projectId, name: clean, now: this.now() });
    return this.getIn(q, id);
  }

  async rename(id: string, name: string): Promise<Shot> {
    const clean = name.trim();
    const shot = await this.engine.tx(async (q) => {
      const { projectId } = await this.getIn(q, id);
      await this.assertNameFree(q, projectId, clean, id);
      await repo.rename(q, id, clean, this.now());
      return this.getIn(q, id);
    });
    await this.announce(shot.projectId);
    return shot;
  }

  async move(id: string, position: number): Promise<Shot[]> {
    const projectId = await this.engine.tx(async (q) => {
      const shot = await this.getIn(q, id);
      const order = (await repo.list(q, shot.projectId)).map((s) => s.id).filter((sid) => sid !== id);
      const at = Math.min(Math.max(position, 1), order.length + 1) - 1;
      order.splice(at, 0, id);
      await this.renumber(q, order);
      return shot.projectId;
    });
    return this.announce(projectId);
  }

  async delete(id: string): Promise<{ id: string }> {
    const projectId = await this.engine.tx(async (q) => {
      const shot = await this.getIn(q, id);
      await repo.softDelete(q, id, this.now());
      await this.renumber(q, (await repo.list(q, shot.projectId)).map((s) => s.id));
      return shot.projectId;
    });
    await this.announce(projectId);
    return { id };
  }

  /** Tells every door the project's shots as they now are (after the commit that changed them); returns them. */
  async announce(projectId: string): Promise<Shot[]> {
    const shots = await repo.list(this.engine, projectId);
    this.events.emit('shots.changed', { projectId, shots });
    return shots;
  }

  private async renumber(q: Queryable, ids: string[]): Promise<void> {
    const now = this.now();
    for (const [i, sid] of ids.entries()) await repo.setPosition(q, sid, i + 1, now);
  }

  private async assertNameFree(q: Queryable, projectId: string, name: string, exceptId?: string): Promise<void> {
    const clash = await repo.findByName(q, projectId, name);
    if (clash && clash.id !== exceptId) {
      throw new AppError('CONFLICT', `This project already has a shot named "${clash.name}". Pick another name.`, { field: 'name', existingId: clash.id });
    }
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
