import { bindAll, named } from '../db/engine/namedSql';
import type { Queryable } from '../db/engine/sqlEngine';

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

const SQL = {
  insert: named<AttemptStart, { id: number }>(`
    INSERT INTO attempts (job_id, n, attempt, provider, artifact_class, model, params_hash, input_bytes, output_spec,
      credits_before, credits_estimated, queue_time_ms, status, started_at)
    VALUES (@jobId, @n, @attempt, @provider, @artifactClass, @model, @paramsHash, @inputBytes, @outputSpec,
      @creditsBefore, @creditsEstimated, @queueTimeMs, 'unknown', @startedAt)
    RETURNING id`),
  providerId: named<{ id: number; providerJobId: string }>(`UPDATE attempts SET provider_job_id = @providerJobId WHERE id = @id`),
  end: named<{ id: number; status: AttemptStatus; code: string | null; charged: number | null; after: number | null; latency: number | null; queue: number | null; now: number }>(`
    UPDATE attempts SET status = @status, error_code = @code, credits_charged = @charged, credits_after = @after,
      latency_ms = @latency, queue_time_ms = coalesce(@queue, queue_time_ms), finished_at = @now
    WHERE id = @id`),
  charged: named<{ jobId: string }, { total: number | null }>(`SELECT sum(credits_charged) AS total FROM attempts WHERE job_id = @jobId`),
  openForTask: named<{ jobId: string; n: number }, { id: number; started_at: number }>(
    `SELECT id, started_at FROM attempts WHERE job_id = @jobId AND n = @n AND finished_at IS NULL ORDER BY id DESC LIMIT 1`,
  ),
};

export interface AttemptEnd {
  status: AttemptStatus;
  code?: string | null;
  charged?: number | null;
  after?: number | null;
  latencyMs?: number | null;
  queueMs?: number | null;
  now: number;
}

/**
 * The per-attempt log docs/sources.md 003 asks for: job_id, provider_job_id, artifact_class, model, params_hash,
 * input_bytes, output_spec, credits_before, credits_after, latency_ms, queue_time_ms, status, error_code.
 * Never the prompt. Every method takes the Queryable of the transaction it belongs to (or the engine's).
 */
export class AttemptLog {
  constructor(private readonly engine: Queryable) {}

  async start(a: AttemptStart, q: Queryable = this.engine): Promise<number> {
    const row = await bindAll(q, SQL).insert.get(a);
    return Number(row!.id);
  }

  async setProviderJobId(id: number, providerJobId: string, q: Queryable = this.engine): Promise<void> {
    await bindAll(q, SQL).providerId.run({ id, providerJobId });
  }

  async end(id: number, o: AttemptEnd, q: Queryable = this.engine): Promise<void> {
    await bindAll(q, SQL).end.run({ id, status: o.status, code: o.code ?? null, charged: o.charged ?? null, after: o.after ?? null, latency: o.latencyMs ?? null, queue: o.queueMs ?? null, now: o.now });
  }

  /** The open attempt row of a task (the one whose create is in flight or being polled). */
  async openFor(jobId: string, n: number, q: Queryable = this.engine): Promise<{ id: number; startedAt: number } | undefined> {
    const r = await bindAll(q, SQL).openForTask.get({ jobId, n });
    return r ? { id: r.id, startedAt: r.started_at } : undefined;
  }

  /** Everything the provider billed for this job, over all attempts: what settlement captures. */
  async chargedFor(jobId: string, q: Queryable = this.engine): Promise<number> {
    return (await bindAll(q, SQL).charged.get({ jobId }))?.total ?? 0;
  }
}
