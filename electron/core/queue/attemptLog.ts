import type Database from 'better-sqlite3';

export type AttemptStatus = 'ok' | 'fail' | 'timeout' | 'canceled' | 'unknown' | 'cache_hit' | 'retry';

export interface AttemptStart {
  jobId: string;
  n: number | null;
  attempt: number;
  provider: string;
  artifactClass: string;
  model: string;
  paramsHash: string;
  inputBytes: number;
  outputSpec: string;
  creditsBefore: number | null;
  creditsEstimated: number | null;
  queueTimeMs: number | null;
  startedAt: number;
}

/**
 * The per-attempt log docs/sources.md 003 asks for: job_id, provider_job_id, artifact_class, model, params_hash,
 * input_bytes, output_spec, credits_before, credits_after, latency_ms, queue_time_ms, status, error_code.
 * Never the prompt.
 */
export class AttemptLog {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      insert: db.prepare(`
        INSERT INTO attempts (job_id, n, attempt, provider, artifact_class, model, params_hash, input_bytes, output_spec,
          credits_before, credits_estimated, queue_time_ms, status, started_at)
        VALUES (@jobId, @n, @attempt, @provider, @artifactClass, @model, @paramsHash, @inputBytes, @outputSpec,
          @creditsBefore, @creditsEstimated, @queueTimeMs, 'unknown', @startedAt)`),
      providerId: db.prepare<{ id: number; providerJobId: string }>(`UPDATE attempts SET provider_job_id = @providerJobId WHERE id = @id`),
      end: db.prepare<{ id: number; status: AttemptStatus; code: string | null; charged: number | null; after: number | null; latency: number | null; queue: number | null; now: number }>(`
        UPDATE attempts SET status = @status, error_code = @code, credits_charged = @charged, credits_after = @after,
          latency_ms = @latency, queue_time_ms = coalesce(@queue, queue_time_ms), finished_at = @now
        WHERE id = @id`),
      charged: db.prepare<{ jobId: string }, { total: number | null }>(`SELECT sum(credits_charged) AS total FROM attempts WHERE job_id = @jobId`),
      openForTask: db.prepare<{ jobId: string; n: number }, { id: number; started_at: number }>(
        `SELECT id, started_at FROM attempts WHERE job_id = @jobId AND n = @n AND finished_at IS NULL ORDER BY id DESC LIMIT 1`,
      ),
    };
  }

  start(a: AttemptStart): number {
    return Number(this.s.insert.run(a).lastInsertRowid);
  }

  setProviderJobId(id: number, providerJobId: string): void {
    this.s.providerId.run({ id, providerJobId });
  }

  end(id: number, o: { status: AttemptStatus; code?: string | null; charged?: number | null; after?: number | null; latencyMs?: number | null; queueMs?: number | null; now: number }): void {
    this.s.end.run({ id, status: o.status, code: o.code ?? null, charged: o.charged ?? null, after: o.after ?? null, latency: o.latencyMs ?? null, queue: o.queueMs ?? null, now: o.now });
  }

  /** The open attempt row of a task (the one whose create is in flight or being polled). */
  openFor(jobId: string, n: number): { id: number; startedAt: number } | undefined {
    const r = this.s.openForTask.get({ jobId, n });
    return r ? { id: r.id, startedAt: r.started_at } : undefined;
  }

  /** Everything the provider billed for this job, over all attempts: what settlement captures. */
  chargedFor(jobId: string): number {
    return this.s.charged.get({ jobId })?.total ?? 0;
  }
}
