import type Database from 'better-sqlite3';
import type { Project } from '../../../shared/contract/projects';

interface ProjectRow {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

const toProject = (r: ProjectRow): Project => ({ id: r.id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at });

/** Projects table access. Statements are prepared once; parameters are named. */
export class ProjectRepo {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      list: db.prepare<[], ProjectRow>(
        'SELECT id, name, created_at, updated_at FROM projects WHERE deleted_at IS NULL ORDER BY created_at, rowid',
      ),
      get: db.prepare<{ id: string }, ProjectRow>(
        'SELECT id, name, created_at, updated_at FROM projects WHERE id = @id AND deleted_at IS NULL',
      ),
      byName: db.prepare<{ name: string }, ProjectRow>(
        'SELECT id, name, created_at, updated_at FROM projects WHERE lower(name) = lower(@name) AND deleted_at IS NULL',
      ),
      insert: db.prepare<{ id: string; name: string; now: string }>(
        'INSERT INTO projects (id, name, created_at, updated_at) VALUES (@id, @name, @now, @now)',
      ),
      rename: db.prepare<{ id: string; name: string; now: string }>(
        'UPDATE projects SET name = @name, updated_at = @now WHERE id = @id AND deleted_at IS NULL',
      ),
      softDelete: db.prepare<{ id: string; now: string }>(
        'UPDATE projects SET deleted_at = @now, updated_at = @now WHERE id = @id AND deleted_at IS NULL',
      ),
    };
  }

  list(): Project[] {
    return this.stmts.list.all().map(toProject);
  }

  get(id: string): Project | undefined {
    const r = this.stmts.get.get({ id });
    return r ? toProject(r) : undefined;
  }

  findByName(name: string): Project | undefined {
    const r = this.stmts.byName.get({ name });
    return r ? toProject(r) : undefined;
  }

  insert(id: string, name: string, now: string): void {
    this.stmts.insert.run({ id, name, now });
  }

  rename(id: string, name: string, now: string): number {
    return this.stmts.rename.run({ id, name, now }).changes;
  }

  softDelete(id: string, now: string): number {
    return this.stmts.softDelete.run({ id, now }).changes;
  }
}
