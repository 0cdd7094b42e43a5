import type { CheckReport } from '../../../shared/contract/media';
import type { CheckResult, Take } from '../../../shared/contract/takes';
import type { ArtifactClass } from '../../../shared/money/params';
import type { Queryable } from '../db/engine/sqlEngine';

export interface TakeRow {
  id: string;
  job_id: string;
  project_id: string;
  shot_id: string;
  n: number;
  artifact_class: string;
  artifact_id: string | null;
  source_take_id: string | null;
  model: string;
  duration_sec: number | null;
  width: number | null;
  height: number | null;
  credits: number;
  check_status: Take['checkStatus'];
  checks_json: string | null;
  created_at: number;
}

/** The one decoder of a stored take: the row's columns become the contract's Take here and nowhere else. */
export const takeOf = (r: TakeRow): Take => ({
  id: r.id,
  jobId: r.job_id,
  projectId: r.project_id,
  shotId: r.shot_id,
  n: r.n,
  artifactClass: r.artifact_class as ArtifactClass,
  artifactId: r.artifact_id,
  sourceTakeId: r.source_take_id,
  model: r.model,
  durationSec: r.duration_sec,
  width: r.width,
  height: r.height,
  credits: r.credits,
  checkStatus: r.check_status,
  checks: r.checks_json ? (JSON.parse(r.checks_json) as CheckResult[]) : null,
  createdAt: r.created_at,
});

export interface NewTake {
  id: string;
  jobId: string;
  projectId: string;
  shotId: string;
  n: number;
  artifactClass: ArtifactClass;
  artifactId: string;
  sourceTakeId: string | null;
  model: string;
  durationSec: number | null;
  width: number | null;
  height: number | null;
  credits: number;
}

const COLS = 'id, job_id, project_id, shot_id, n, artifact_class, artifact_id, source_take_id, model, duration_sec, width, height, credits, check_status, checks_json, created_at';

/** The takes table: the output clips of jobs, and their auto-check state. */
export const takeRepo = {
  /** Stores a new take and answers it as stored (defaults included), from the same statement. */
  async insert(q: Queryable, t: NewTake, now: number): Promise<Take | null> {
    const r = await q.get<TakeRow>(
      `INSERT INTO takes (id, job_id, project_id, shot_id, n, artifact_class, artifact_id, source_take_id, model, duration_sec, width, height, credits, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${COLS}`,
      [t.id, t.jobId, t.projectId, t.shotId, t.n, t.artifactClass, t.artifactId, t.sourceTakeId, t.model, t.durationSec, t.width, t.height, t.credits, now],
    );
    return r ? takeOf(r) : null;
  },

  async get(q: Queryable, id: string): Promise<Take | null> {
    const r = await q.get<TakeRow>(`SELECT ${COLS} FROM takes WHERE id = ?`, [id]);
    return r ? takeOf(r) : null;
  },

  /** A project's takes (or one shot's), oldest first. */
  async list(q: Queryable, projectId: string, shotId?: string): Promise<Take[]> {
    const rows =
      shotId === undefined
        ? await q.all<TakeRow>(`SELECT ${COLS} FROM takes WHERE project_id = ? ORDER BY created_at, n, id`, [projectId])
        : await q.all<TakeRow>(`SELECT ${COLS} FROM takes WHERE project_id = ? AND shot_id = ? ORDER BY created_at, n, id`, [projectId, shotId]);
    return rows.map(takeOf);
  },

  async byJob(q: Queryable, jobId: string): Promise<Take[]> {
    return (await q.all<TakeRow>(`SELECT ${COLS} FROM takes WHERE job_id = ? ORDER BY n`, [jobId])).map(takeOf);
  },

  /** The auto-check's verdicts on the take: their one home (see migration 0840). */
  async setChecks(q: Queryable, id: string, status: Take['checkStatus'], checks: CheckResult[] | null, at: number): Promise<void> {
    await q.run('UPDATE takes SET check_status = ?, checks_json = ?, checked_at = ? WHERE id = ?', [status, checks ? JSON.stringify(checks) : null, at, id]);
  },

  /** The newest auto-check verdicts of a take of this clip, as a check report, or null. */
  async verdictOfArtifact(q: Queryable, artifactId: string): Promise<{ report: CheckReport; checkedAt: number } | null> {
    const r = await q.get<{ check_status: Take['checkStatus']; checks_json: string; checked_at: number }>(
      "SELECT check_status, checks_json, checked_at FROM takes WHERE artifact_id = ? AND checks_json IS NOT NULL AND check_status IN ('passed', 'failed') ORDER BY checked_at DESC, id LIMIT 1",
      [artifactId],
    );
    return r ? { report: { ok: r.check_status === 'passed', checks: JSON.parse(r.checks_json) as CheckResult[] }, checkedAt: r.checked_at } : null;
  },
};
