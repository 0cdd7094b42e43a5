import type { ArtifactClass } from '../../../../shared/money/params';
import type { Queryable } from '../../db/engine/sqlEngine';
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

const one = (r: Row | undefined): ArtifactRecord | undefined => (r ? toRecord(r) : undefined);

/**
 * The artifacts table, on either engine: every method takes the Queryable it runs on (the engine, or a
 * transaction's `q`). Ties in time keep the order rows were written (rowid: implicit in SQLite, an identity column in PostgreSQL, migration 0830).
 */
export const artifactRepo = {
  get(q: Queryable, id: string): Promise<ArtifactRecord | undefined> {
    return q.get<Row>(`SELECT ${COLS} FROM artifacts WHERE id = ?`, [id]).then(one);
  },

  async byJob(q: Queryable, cls: ArtifactClass, jobId: string, n: number): Promise<ArtifactRecord | undefined> {
    return one(await q.get<Row>(`SELECT ${COLS} FROM artifacts WHERE class = ? AND job_id = ? AND n = ?`, [cls, jobId, n]));
  },

  async liveByContent(q: Queryable, cls: ArtifactClass, sha: string): Promise<ArtifactRecord | undefined> {
    return one(await q.get<Row>(`SELECT ${COLS} FROM artifacts WHERE class = ? AND sha256 = ? AND swept_at IS NULL ORDER BY created_at, rowid LIMIT 1`, [cls, sha]));
  },

  async list(q: Queryable, projectId: string, cls?: ArtifactClass): Promise<ArtifactRecord[]> {
    const rows = cls
      ? await q.all<Row>(`SELECT ${COLS} FROM artifacts WHERE project_id = ? AND class = ? ORDER BY created_at, rowid`, [projectId, cls])
      : await q.all<Row>(`SELECT ${COLS} FROM artifacts WHERE project_id = ? ORDER BY created_at, rowid`, [projectId]);
    return rows.map(toRecord);
  },

  async liveOlderThan(q: Queryable, cls: ArtifactClass, before: number): Promise<ArtifactRecord[]> {
    const rows = await q.all<Row>(`SELECT ${COLS} FROM artifacts WHERE class = ? AND swept_at IS NULL AND created_at < ? ORDER BY created_at, rowid`, [cls, before]);
    return rows.map(toRecord);
  },

  async insert(
    q: Queryable,
    rec: { id: string; cls: ArtifactClass; projectId: string; jobId: string; n: number; relPath: string; sha256: string; sizeBytes: number; createdAt: number },
  ): Promise<void> {
    await q.run(`INSERT INTO artifacts (${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`, [
      rec.id,
      rec.cls,
      rec.projectId,
      rec.jobId,
      rec.n,
      rec.relPath,
      rec.sha256,
      rec.sizeBytes,
      rec.createdAt,
    ]);
  },

  /** Unswept rows of the class that use this file. */
  async liveUsers(q: Queryable, cls: ArtifactClass, relPath: string): Promise<number> {
    const r = await q.get<{ n: number }>('SELECT count(*) AS n FROM artifacts WHERE class = ? AND rel_path = ? AND swept_at IS NULL', [cls, relPath]);
    return Number(r?.n ?? 0);
  },

  /** Keys (by class) that no unswept row uses but some swept row named: what retention should have deleted. */
  async sweptObjects(q: Queryable): Promise<{ cls: ArtifactClass; relPath: string }[]> {
    const rows = await q.all<{ class: ArtifactClass; rel_path: string }>(
      `SELECT DISTINCT a.class, a.rel_path FROM artifacts a WHERE a.swept_at IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM artifacts b WHERE b.class = a.class AND b.sha256 = a.sha256 AND b.rel_path = a.rel_path AND b.swept_at IS NULL)`,
    );
    return rows.map((r) => ({ cls: r.class, relPath: r.rel_path }));
  },

  /** Marks each swept (call inside a transaction): the ids it changed, and the records no unswept row shares any more. */
  async markManySwept(q: Queryable, ids: readonly string[], now: number): Promise<{ swept: string[]; goes: ArtifactRecord[] }> {
    const swept: string[] = [];
    const goes: ArtifactRecord[] = [];
    for (const id of ids) {
      const rec = await artifactRepo.get(q, id);
      if (!rec) continue;
      const changed = (await q.run('UPDATE artifacts SET swept_at = ? WHERE id = ? AND swept_at IS NULL', [now, id])).changes > 0;
      if (!changed) continue;
      swept.push(id);
      if ((await artifactRepo.liveUsers(q, rec.artifact.class, rec.relPath)) === 0) goes.push(rec);
    }
    return { swept, goes };
  },
};
