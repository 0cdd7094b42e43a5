import type { Project } from '../../../shared/contract/projects';
import { AppError } from '../../../shared/errors';
import type { CoreEvents } from '../coreEvents';
import type { Db } from '../db/db';
import type { Clock, Ids } from '../ports';
import { ProjectRepo } from './projectRepo';

/**
 * Projects: create, list, rename, delete. Deleting hides the project and keeps its rows,
 * because jobs and ledger entries (append-only) refer to it.
 */
export class ProjectService {
  private readonly repo: ProjectRepo;

  constructor(
    private readonly db: Db,
    private readonly events: CoreEvents,
    private readonly clock: Clock,
    private readonly ids: Ids,
  ) {
    this.repo = new ProjectRepo(db.conn);
  }

  list(): Project[] {
    return this.repo.list();
  }

  get(id: string): Project {
    const p = this.repo.get(id);
    if (!p) throw new AppError('NOT_FOUND', `No project with id ${id}. List projects to see the ids that exist.`, { field: 'id', id });
    return p;
  }

  findByName(name: string): Project | undefined {
    return this.repo.findByName(name.trim());
  }

  create(name: string): Project {
    const clean = name.trim();
    const now = new Date(this.clock.now()).toISOString();
    const id = this.ids.newId('prj');
    this.db.immediate(() => {
      this.assertNameFree(clean);
      this.repo.insert(id, clean, now);
    });
    const project = this.get(id);
    this.events.emit('projects.changed', { kind: 'created', project });
    return project;
  }

  rename(id: string, name: string): Project {
    const clean = name.trim();
    const now = new Date(this.clock.now()).toISOString();
    this.db.immediate(() => {
      this.get(id);
      this.assertNameFree(clean, id);
      this.repo.rename(id, clean, now);
    });
    const project = this.get(id);
    this.events.emit('projects.changed', { kind: 'renamed', project });
    return project;
  }

  delete(id: string): { id: string } {
    const now = new Date(this.clock.now()).toISOString();
    const project = this.get(id);
    const changed = this.db.immediate(() => this.repo.softDelete(id, now));
    if (changed === 0) throw new AppError('NOT_FOUND', `No project with id ${id}.`, { field: 'id', id });
    this.events.emit('projects.changed', { kind: 'deleted', project });
    return { id };
  }

  private assertNameFree(name: string, exceptId?: string): void {
    const clash = this.repo.findByName(name);
    if (clash && clash.id !== exceptId) {
      throw new AppError('CONFLICT', `A project named "${clash.name}" already exists. Pick another name, or rename that one first.`, {
        field: 'name',
        existingId: clash.id,
      });
    }
  }
}
