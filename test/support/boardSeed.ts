import type Database from 'better-sqlite3';
import type { CheckResult } from '../../shared/contract/takes';
import type { Queryable } from '../../electron/core/db/engine/sqlEngine';

/**
 * Writes jobs and takes straight into the queue's tables (migration 0210), for board tests and the
 * board bench: the board only reads them, and rendering thousands of real clips is not the point.
 */
export interface SeedJob {
  id: string;
  projectId: string;
  shotId: string;
  model?: string;
  provider?: string;
  artifactClass?: 'preview' | 'release';
  variations?: number;
  status?: string;
  sourceTakeId?: string | null;
  estimatedCredits?: number;
  createdAt?: number;
  /** Task rows: per variation, status and progress (default: none). */
  tasks?: { status: string; progress?: number | null; takeId?: string | null }[];
}

export function seedJob(conn: Database.Database, j: SeedJob): void {
  const now = j.createdAt ?? 1_790_000_000_000;
  conn
    .prepare(
      `INSERT INTO jobs (id, project_id, shot_id, provider, model, artifact_class, variations, params_json, prompt_sealed, params_hash,
        idempotency_key, source_take_id, status, priority, seq, max_attempts, estimated_credits, output_spec, created_at, updated_at)
       VALUES (@id, @projectId, @shotId, @provider, @model, @cls, @variations, @params, x'00', 'seedhash', @id, @source, @status, 0,
        (SELECT coalesce(max(seq), 0) + 1 FROM jobs), 3, @est, '{}', @now, @now)`,
    )
    .run({
      id: j.id,
      projectId: j.projectId,
      shotId: j.shotId,
      provider: j.provider ?? 'local',
      model: j.model ?? 'gen4_turbo',
      cls: j.artifactClass ?? 'preview',
      variations: j.variations ?? 1,
      params: seedParams(j),
      source: j.sourceTakeId ?? null,
      status: j.status ?? 'succeeded',
      est: j.estimatedCredits ?? 25,
      now,
    });
  const task = conn.prepare(`INSERT INTO job_tasks (job_id, n, status, progress, take_id) VALUES (@jobId, @n, @status, @progress, @takeId)`);
  (j.tasks ?? []).forEach((t, n) => task.run({ jobId: j.id, n, status: t.status, progress: t.progress ?? null, takeId: t.takeId ?? null }));
}

export interface SeedTake {
  id: string;
  jobId: string;
  projectId: string;
  shotId: string;
  n?: number;
  artifactClass?: 'preview' | 'release';
  artifactId?: string | null;
  sourceTakeId?: string | null;
  model?: string;
  durationSec?: number;
  credits?: number;
  checkStatus?: 'pending' | 'passed' | 'failed' | 'error';
  checks?: CheckResult[] | null;
  createdAt?: number;
}

export function seedTake(conn: Database.Database, t: SeedTake): void {
  conn
    .prepare(
      `INSERT INTO takes (id, job_id, project_id, shot_id, n, artifact_class, artifact_id, source_take_id, model, duration_sec, width, height, credits,
        check_status, checks_json, created_at)
       VALUES (@id, @jobId, @projectId, @shotId, @n, @cls, @artifactId, @source, @model, @dur, 1280, 720, @credits, @status, @checks, @at)`,
    )
    .run({
      id: t.id,
      jobId: t.jobId,
      projectId: t.projectId,
      shotId: t.shotId,
      n: t.n ?? 0,
      cls: t.artifactClass ?? 'preview',
      artifactId: t.artifactId ?? null,
      source: t.sourceTakeId ?? null,
      model: t.model ?? 'gen4_turbo',
      dur: t.durationSec ?? 5,
      credits: t.credits ?? 25,
      status: t.checkStatus ?? 'passed',
      checks: t.checks === undefined || t.checks === null ? null : JSON.stringify(t.checks),
      at: t.createdAt ?? 1_790_000_000_000,
    });
}

/** seedJob on the engine port (either engine). */
export async function seedJobQ(q: Queryable, j: SeedJob): Promise<void> {
  const now = j.createdAt ?? 1_790_000_000_000;
  const seq = Number((await q.get<{ s: number }>('SELECT COALESCE(max(seq), 0) + 1 AS s FROM jobs'))!.s);
  await q.run(
    `INSERT INTO jobs (id, project_id, shot_id, provider, model, artifact_class, variations, params_json, prompt_sealed, params_hash,
      idempotency_key, source_take_id, status, priority, seq, max_attempts, estimated_credits, output_spec, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'seedhash', ?, ?, ?, 0, ?, 3, ?, '{}', ?, ?)`,
    [j.id, j.projectId, j.shotId, j.provider ?? 'local', j.model ?? 'gen4_turbo', j.artifactClass ?? 'preview', j.variations ?? 1, seedParams(j), new Uint8Array([0]), j.id, j.sourceTakeId ?? null, j.status ?? 'succeeded', seq, j.estimatedCredits ?? 25, now, now],
  );
  for (const [n, t] of (j.tasks ?? []).entries()) {
    await q.run('INSERT INTO job_tasks (job_id, n, status, progress, take_id) VALUES (?, ?, ?, ?, ?)', [j.id, n, t.status, t.progress ?? null, t.takeId ?? null]);
  }
}

/** seedTake on the engine port (either engine). */
export async function seedTakeQ(q: Queryable, t: SeedTake): Promise<void> {
  await q.run(
    `INSERT INTO takes (id, job_id, project_id, shot_id, n, artifact_class, artifact_id, source_take_id, model, duration_sec, width, height, credits,
      check_status, checks_json, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1280, 720, ?, ?, ?, ?)`,
    [t.id, t.jobId, t.projectId, t.shotId, t.n ?? 0, t.artifactClass ?? 'preview', t.artifactId ?? null, t.sourceTakeId ?? null, t.model ?? 'gen4_turbo', t.durationSec ?? 5,
      t.credits ?? 25, t.checkStatus ?? 'passed', t.checks === undefined || t.checks === null ? null : JSON.stringify(t.checks), t.createdAt ?? 1_790_000_000_000],
  );
}

const CHECK_NAMES = ['decode', 'duration', 'resolution', 'black', 'freeze', 'audio', 'watermark'] as const;

/** A full check report: every check passes except those named in `failing`. */
export function checkReport(failing: readonly (typeof CHECK_NAMES)[number][] = []): CheckResult[] {
  return CHECK_NAMES.map((name) =>
    failing.includes(name) ? { name, ok: false, value: 82, detail: `${name}: 82 % of frames` } : { name, ok: true, value: 0, detail: `${name} ok` },
  );
}

/**
 * `count` preview takes in one shot, `perJob` variations per job, all in one transaction. Every
 * seventh take failed a check; the rest passed. Returns the take ids, oldest first.
 */
export function seedManyTakes(conn: Database.Database, o: { projectId: string; shotId: string; count: number; perJob?: number; startAt?: number; idPrefix?: string }): string[] {
  const perJob = o.perJob ?? 4;
  const prefix = o.idPrefix ?? 'seed';
  const ids: string[] = [];
  const pass = checkReport();
  const fail = checkReport(['black']);
  conn.transaction(() => {
    for (let i = 0; i < o.count; i += perJob) {
      const jobId = `job_${prefix}${String(i).padStart(10, '0')}`;
      const at = (o.startAt ?? 1_790_000_000_000) + i * 1000;
      seedJob(conn, { id: jobId, projectId: o.projectId, shotId: o.shotId, variations: Math.min(perJob, o.count - i), createdAt: at });
      for (let n = 0; n < perJob && i + n < o.count; n++) {
        const id = `tk_${prefix}${String(i + n).padStart(10, '0')}`;
        const isFail = (i + n) % 7 === 6;
        seedTake(conn, { id, jobId, projectId: o.projectId, shotId: o.shotId, n, checkStatus: isFail ? 'failed' : 'passed', checks: isFail ? fail : pass, createdAt: at + n });
        ids.push(id);
      }
    }
  })();
  return ids;
}

/** A seeded job's stored settings (jobs.params_json as the queue writes it, without the prompt). */
export function seedParams(j: { provider?: string; model?: string; artifactClass?: string; variations?: number }): string {
  return JSON.stringify({ provider: j.provider ?? 'local', model: j.model ?? 'gen4_turbo', variations: j.variations ?? 1, audio: false, artifactClass: j.artifactClass ?? 'preview', upscale: false });
}
