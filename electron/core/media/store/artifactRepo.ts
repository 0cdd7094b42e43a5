import type Database from 'better-sqlite3';
import type { ArtifactClass } from '../../../../shared/money/params';
import { mintArtifact, type StoredArtifact } from './artifact';

interface Row {
  id: string;
  class: ArtifactClass;
  project_id: string;
  job_id: string;
  n: number;
  rel_path: string;
  sha256: string;
  size_bytes: number;
  created_at: number;
  swept_at: number | null;
}

export interface ArtifactRecord {
  artifact: StoredArtifact;
  relPath: string;
}

const COLS = 'id, class, project_id, job_id, n, rel_path, sha256, size_bytes, created_at, swept_at';

const toRecord = (r: Row): ArtifactRecord => ({
  relPath: r.rel_path,
  artifact: mintArtifact({
    id: r.id,
    class: r.class,
    projectId: r.project_id,
    jobId: r.job_id,
    n: r.n,
    sha256: r.sha256,
    sizeBytes: r.size_bytes,
    createdAt: r.created_at,
    sweptAt: r.swept_at,
  }),
});

/** The artifacts table. Statements prepared once; named parameters. */
export class ArtifactRepo {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      get: db.prepare<{ id: string }, Row>(`SELECT ${COLS} FROM artifacts WHERE id = @id`),
      byJob: db.prepare<{ cls: string; jobId: string; n: number }, Row>(`SELECT ${COLS} FROM artifacts WHERE class = @cls AND job_id = @jobId AND n = @n`),
      liveByContent: db.prepare<{ cls: string; sha: string }, Row>(
        `SELECT ${COLS} FROM artifacts WHERE class = @cls AND sha256 = @sha AND swept_at IS NULL ORDER BY created_at, rowid LIMIT 1`,
      ),
      byProject: db.prepare<{ projectId: string }, Row>(`SELECT ${COLS} FROM artifacts WHERE project_id = @projectId ORDER BY created_at, rowid`),
      byProjectClass: db.prepare<{ projectId: string; cls: string }, Row>(
        `SELECT ${COLS} FROM artifacts WHERE project_id = @projectId AND class = @cls ORDER BY created_at, rowid`,
      ),
      liveOlderThan: db.prepare<{ cls: string; before: number }, Row>(
        `SELECT ${COLS} FROM artifacts WHERE class = @cls AND swept_at IS NULL AND created_at < @before ORDER BY created_at, rowid`,
      ),
      insert: db.prepare<Row>(
        `INSERT INTO artifacts (${COLS}) VALUES (@id, @class, @project_id, @job_id, @n, @rel_path, @sha256, @size_bytes, @created_at, @swept_at)`,
      ),
      markSwept: db.prepare<{ id: string; now: number }>('UPDATE artifacts SET swept_at = @now WHERE id = @id AND swept_at IS NULL'),
      liveUsersOfPath: db.prepare<{ cls: string; rel: string }, { n: number }>(
        'SELECT count(*) AS n FROM artifacts WHERE class = @cls AND rel_path = @rel AND swept_at IS NULL',
      ),
      // Objects whose every row is swept: what retention should have deleted (retried until gone).
      sweptObjects: db.prepare<[], { class: ArtifactClass; rel_path: string }>(
        `SELECT DISTINCT a.class, a.rel_path FROM artifacts a WHERE a.swept_at IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM artifacts b WHERE b.class = a.class AND b.sha256 = a.sha256 AND b.rel_path = a.rel_path AND b.swept_at IS NULL)`,
      ),
    };
  }

  get(id: string): ArtifactRecord | undefined {
    const r = this.s.get.get({ id });
    return r ? toRecord(r) : undefined;
  }

  byJob(cls: ArtifactClass, jobId: string, n: number): ArtifactRecord | undefined {
    const r = this.s.byJob.get({ cls, jobId, n });
    return r ? toRecord(r) : undefined;
  }

  liveByContent(cls: ArtifactClass, sha: string): ArtifactRecord | undefined {
    const r = this.s.liveByContent.get({ cls, sha });
    return r ? toRecord(r) : undefined;
  }

  list(projectId: string, cls?: ArtifactClass): ArtifactRecord[] {
    return (cls ? this.s.byProjectClass.all({ projectId, cls }) : this.s.byProject.all({ projectId })).map(toRecord);
  }

  liveOlderThan(cls: ArtifactClass, before: number): ArtifactRecord[] {
    return this.s.liveOlderThan.all({ cls, before }).map(toRecord);
  }

  insert(rec: { id: string; cls: ArtifactClass; projectId: string; jobId: string; n: number; relPath: string; sha256: string; sizeBytes: number; createdAt: number }): void {
    this.s.insert.run({
      id: rec.id,
      class: rec.cls,
      project_id: rec.projectId,
      job_id: rec.jobId,
      n: rec.n,
      rel_path: rec.relPath,
      sha256: rec.sha256,
      size_bytes: rec.sizeBytes,
      created_at: rec.createdAt,
      swept_at: null,
    });
  }

  liveUsers(cls: ArtifactClass, relPath: string): number {
    return this.s.liveUsersOfPath.get({ cls, rel: relPath })!.n;
  }

  /** Keys (by class) that no unswept row uses but some swept row named. */
  sweptObjects(): { cls: ArtifactClass; relPath: string }[] {
    return this.s.sweptObjects.all().map((r) => ({ cls: r.class, relPath: r.rel_path }));
  }

  /** Marks each swept (call inside a transaction): the ids it changed, and the records no unswept row shares any more. */
  markManySwept(ids: readonly string[], now: number): { swept: string[]; goes: ArtifactRecord[] } {
    const swept: string[] = [];
    const goes: ArtifactRecord[] = [];
    for (const id of ids) {
      const rec = this.get(id);
      if (!rec) continue;
      const { changed, remainingUsers } = this.markSwept(id, rec.artifact.class, rec.relPath, now);
      if (changed) swept.push(id);
      if (changed && remainingUsers === 0) goes.push(rec);
    }
    return { swept, goes };
  }

  /** Marks swept; returns how many unswept rows still use the same file afterwards. */
  markSwept(id: string, cls: ArtifactClass, relPath: string, now: number): { changed: boolean; remainingUsers: number } {
    const changed = this.s.markSwept.run({ id, now }).changes > 0;
    return { changed, remainingUsers: this.s.liveUsersOfPath.get({ cls, rel: relPath })!.n };
  }
}
