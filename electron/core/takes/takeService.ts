import type Database from 'better-sqlite3';
import type { CheckResult, Take } from '../../../shared/contract/takes';
import { AppError } from '../../../shared/errors';
import type { ArtifactClass } from '../../../shared/money/params';
import type { CoreEvents } from '../coreEvents';
import type { Db } from '../db/db';
import type { Clock } from '../ports';

interface TakeRow {
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

const toTake = (r: TakeRow): Take => ({
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

/** Takes: the output clips of jobs, and their auto-check results. */
export class TakeService {
  private readonly s;

  constructor(
    db: Db,
    private readonly events: CoreEvents,
    private readonly clock: Clock,
  ) {
    const c: Database.Database = db.conn;
    this.s = {
      insert: c.prepare(`
        INSERT INTO takes (id, job_id, project_id, shot_id, n, artifact_class, artifact_id, source_take_id, model, duration_sec, width, height, credits, created_at)
        VALUES (@id, @jobId, @projectId, @shotId, @n, @artifactClass, @artifactId, @sourceTakeId, @model, @durationSec, @width, @height, @credits, @now)`),
      get: c.prepare<{ id: string }, TakeRow>(`SELECT * FROM takes WHERE id = @id`),
      byProject: c.prepare<{ projectId: string; shotId: string | null }, TakeRow>(
        `SELECT * FROM takes WHERE project_id = @projectId AND (@shotId IS NULL OR shot_id = @shotId) ORDER BY created_at, n`,
      ),
      byJob: c.prepare<{ jobId: string }, TakeRow>(`SELECT * FROM takes WHERE job_id = @jobId ORDER BY n`),
      setCredits: c.prepare<{ id: string; credits: number }>(`UPDATE takes SET credits = @credits WHERE id = @id`),
      setChecks: c.prepare<{ id: string; status: string; json: string | null }>(`UPDATE takes SET check_status = @status, checks_json = @json WHERE id = @id`),
    };
  }

  /** Inside the caller's transaction (the queue stores the take and ends its task together). */
  insert(t: NewTake): void {
    this.s.insert.run({ ...t, now: this.clock.now() });
  }

  get(id: string): Take {
    const r = this.s.get.get({ id });
    if (!r) throw new AppError('NOT_FOUND', `No take with id ${id}.`, { field: 'id', id });
    return toTake(r);
  }

  list(projectId: string, shotId?: string): Take[] {
    return this.s.byProject.all({ projectId, shotId: shotId ?? null }).map(toTake);
  }

  byJob(jobId: string): Take[] {
    return this.s.byJob.all({ jobId }).map(toTake);
  }

  setCredits(id: string, credits: number): void {
    this.s.setCredits.run({ id, credits });
  }

  recordChecks(id: string, status: Take['checkStatus'], checks: CheckResult[] | null): Take {
    this.s.setChecks.run({ id, status, json: checks ? JSON.stringify(checks) : null });
    const take = this.get(id);
    this.events.emit('takes.changed', { take });
    return take;
  }

  announce(id: string): void {
    this.events.emit('takes.changed', { take: this.get(id) });
  }
}
