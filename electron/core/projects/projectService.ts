import type { Project } from '../../../shared/contract/projects';
import { AppError } from '../../../shared/errors';
import type { CoreEvents } from '../coreEvents';
import type { Queryable, SqlEngine } from '../db/engine/sqlEngine';
import type { Clock, Ids } from '../ports';
import { projectRepo as repo } from './projectRepo';

/**
 * Projects: create, list, rename, delete. Deleting hides the project and keeps its rows,
 * because jobs and ledger entries (append-only) refer to it.
 */
export class ProjectService {
  constructor(
    private readonly engine: SqlEngine,
    private readonly events: CoreEvents,
    private readonly clock: Clock,
    private readonly ids: Ids,
  ) {}

  list(): Promise<Project[]> {
    return repo.list(this.engine);
  }

  get(id: string): Promise<Project> {
    return this.getIn(this.engine, id);
  }

  /** The project, read through `q` (a caller's transaction), or NOT_FOUND naming the id. */
  async getIn(q: Queryable, id: string): Promise<Project> {
    const p = await repo.get(q, id);
    if (!p) throw new AppError('NOT_FOUND', `No project with id ${id}. List projects to see the ids that exist.`, { field: 'id', id });
    return p;
  }

  findByName(name: string): Promise<Project | undefined> {
    return this.findByNameIn(this.engine, name);
  }

  findByNameIn(q: Queryable, name: string): Promise<Project | undefined> {
    return repo.findByName(q, name.trim());
  }

  async create(name: string): Promise<Project> {
    const project = await this.engine.tx((q) => this.createIn(q, name));
    this.announceCreated(project);
    return project;
  }

  /** Creates the project inside the caller's transaction; the caller announces it (announceCreated) after commit. */
  async createIn(q: Queryable, name: string): Promise<Project> {
    const clean = name.trim();
    const now = new Date(this.clock.now()).toISOString();
    const id = this.ids.newId('prj');
    await this.assertNameFree(q, clean);
    await repo.insert(q, id, clean, now);
    return this.getIn(q, id);
  }

  announceCreated(project: Project): void {
    this.events.emit('projects.changed', { kind: 'created', project });
  }

  async rename(id: string, name: string): Promise<Project> {
    const clean = name.trim();
    const now = new Date(this.clock.now()).toISOString();
    const project = await this.engine.tx(async (q) => {
      await this.getIn(q, id);
      await this.assertNameFree(q, clean, id);
      await repo.rename(q, id, clean, now);
      return this.getIn(q, id);
    });
    this.events.emit('projects.changed', { kind: 'renamed', project });
    return project;
  }

  async delete(id: string): Promise<{ id: string }> {
    const now = new Date(this.clock.now()).toISOString();
    const project = await this.engine.tx(async (q) => {
      const p = await this.getIn(q, id);
      const changed = await repo.softDelete(q, id, now);
      if (changed === 0) throw new AppError('NOT_FOUND', `No project with id ${id}.`, { field: 'id', id });
      return p;
    });
    this.events.emit('projects.changed', { kind: 'deleted', project });
    return { id };
  }

  private async assertNameFree(q: Queryable, name: string, exceptId?: string): Promise<void> {
    const clash = await repo.findByName(q, name);
    if (clash && clash.id !== exceptId) {
      throw new AppError('CONFLICT', `A project named "${clash.name}" already exists. Pick another name, or rename that one first.`, {
        field: 'name',
        existingId: clash.id,
      });
    }
  }
}
