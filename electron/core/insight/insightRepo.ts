import type Database from 'better-sqlite3';
import type { AttemptRow, CacheHitRow, PoolDayRow, PublishedRow, SpendRow, TakeMarkRow } from './insightRows';

/**
 * Read-only SQL over the queue's, ledger's and board's tables (migrations 0100, 0210, 0400–0440) for
 * the report. Statements are prepared once; ranges are half-open [from, to) in ms or UTC days.
 */
interface AttemptSql {
  id: number;
  job_id: string;
  project_id: string;
  provider: string;
  artifact_class: string;
  model: string;
  output_spec: string;
  credits_before: number | null;
  credits_after: number | null;
  credits_estimated: number | null;
  credits_charged: number | null;
  latency_ms: number | null;
  queue_time_ms: number | null;
  status: AttemptRow['status'];
  error_code: string | null;
  started_at: number;
  finished_at: number | null;
}

interface Range {
  from: number;
  to: number;
  project: string | null;
}

export class InsightRepo {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      attempts: db.prepare<Range, AttemptSql>(`
        SELECT a.id, a.job_id, j.project_id, a.provider, a.artifact_class, a.model, a.output_spec, a.credits_before, a.credits_after,
               a.credits_estimated, a.credits_charged, a.latency_ms, a.queue_time_ms, a.status, a.error_code, a.started_at, a.finished_at
        FROM attempts a JOIN jobs j ON j.id = a.job_id
        WHERE a.started_at >= @from AND a.started_at < @to AND (@project IS NULL OR j.project_id = @project)
        ORDER BY a.started_at, a.id`),
      // Posted spend: transfers into sys:spend (captures, excess debits), minus refunds (sys:refunds → pool).
      spend: db.prepare<{ since: string; until: string; project: string | null }, SpendRow & { artifactClass: SpendRow['artifactClass'] }>(`
        SELECT e.day AS day,
               CASE WHEN e.credit_account = 'sys:spend' THEN e.amount ELSE -e.amount END AS credits,
               coalesce(o.stage, 'none') AS stage, coalesce(o.artifact_class, 'none') AS artifactClass,
               o.project_id AS projectId, a.pool AS pool, a.surface AS surface, o.kind AS kind
        FROM ledger_entries e
        JOIN ledger_ops o ON o.id = e.op_id
        JOIN ledger_accounts a ON a.id = CASE WHEN e.credit_account = 'sys:spend' THEN e.debit_account ELSE e.credit_account END
        WHERE e.is_pending = 0 AND e.amount > 0 AND (e.credit_account = 'sys:spend' OR e.debit_account = 'sys:refunds')
          AND e.day >= @since AND e.day < @until AND (@project IS NULL OR o.project_id = @project)
        ORDER BY e.rowid`),
      poolDays: db.prepare<{ since: string }, PoolDayRow>(`
        SELECT a.pool AS pool, e.day AS day, sum(CASE WHEN e.credit_account = a.id THEN e.amount ELSE -e.amount END) AS delta
        FROM ledger_entries e
        JOIN ledger_accounts a ON a.kind <> 'system' AND (a.id = e.debit_account OR a.id = e.credit_account)
        WHERE e.is_pending = 0 AND e.amount > 0 AND e.day >= @since
        GROUP BY a.pool, e.day`),
      takes: db.prepare<Range, Record<string, number | string | null>>(`
        SELECT t.id, t.project_id, t.artifact_class, t.source_take_id, t.check_status, t.created_at,
          EXISTS (SELECT 1 FROM take_tags g WHERE g.take_id = t.id AND g.is_auto = 0 AND g.tag = 'promising') AS promising,
          EXISTS (SELECT 1 FROM take_tags g WHERE g.take_id = t.id AND g.is_auto = 0 AND g.tag = 'discard') AS discard,
          EXISTS (SELECT 1 FROM take_tags g WHERE g.take_id = t.id AND g.is_auto = 0 AND g.tag = 'needs-fix') AS needs_fix,
          EXISTS (SELECT 1 FROM shortlist_overrides o WHERE o.take_id = t.id AND o.override = 'in') AS override_in,
          EXISTS (SELECT 1 FROM take_tags g WHERE g.take_id = t.source_take_id AND g.is_auto = 0 AND g.tag = 'discard') AS source_discard
        FROM takes t
        WHERE t.created_at >= @from AND t.created_at < @to AND (@project IS NULL OR t.project_id = @project)`),
      published: db.prepare<Range, { take_id: string; project_id: string; published_at: number }>(`
        SELECT take_id, project_id, published_at FROM take_published
        WHERE published_at >= @from AND published_at < @to AND (@project IS NULL OR project_id = @project)`),
      cacheHits: db.prepare<Range, { id: string; project_id: string; credits_saved: number; created_at: number }>(`
        SELECT id, project_id, credits_saved, created_at FROM jobs
        WHERE cache_of_job_id IS NOT NULL AND created_at >= @from AND created_at < @to AND (@project IS NULL OR project_id = @project)`),
      watermarkedReleases: db.prepare<Range, { n: number }>(`
        SELECT count(*) AS n FROM takes t
        WHERE t.artifact_class = 'release' AND t.checks_json IS NOT NULL AND t.created_at >= @from AND t.created_at < @to
          AND (@project IS NULL OR t.project_id = @project)
          AND EXISTS (SELECT 1 FROM json_each(t.checks_json) c WHERE json_extract(c.value, '$.name') = 'watermark' AND json_extract(c.value, '$.ok') = 0)`),
      budgets: db.prepare<[], { project_id: string; name: string; credits: number }>(`
        SELECT b.project_id, p.name, b.credits FROM money_budgets b JOIN projects p ON p.id = b.project_id WHERE p.deleted_at IS NULL ORDER BY p.name`),
      projectNames: db.prepare<[], { id: string; name: string }>(`SELECT id, name FROM projects WHERE deleted_at IS NULL ORDER BY name`),
    };
  }

  attempts(r: Range): AttemptRow[] {
    return this.s.attempts.all(r).map((a) => ({
      id: a.id,
      jobId: a.job_id,
      projectId: a.project_id,
      provider: a.provider,
      artifactClass: a.artifact_class,
      model: a.model,
      outputSpec: a.output_spec,
      creditsBefore: a.credits_before,
      creditsAfter: a.credits_after,
      creditsEstimated: a.credits_estimated,
      creditsCharged: a.credits_charged,
      latencyMs: a.latency_ms,
      queueTimeMs: a.queue_time_ms,
      status: a.finished_at === null && a.status === 'unknown' ? 'running' : a.status,
      errorCode: a.error_code,
      startedAt: a.started_at,
      finishedAt: a.finished_at,
    }));
  }

  spend(since: string, until: string, project: string | null): SpendRow[] {
    return this.s.spend.all({ since, until, project });
  }

  poolDays(since: string): PoolDayRow[] {
    return this.s.poolDays.all({ since });
  }

  takes(r: Range): TakeMarkRow[] {
    return this.s.takes.all(r).map((t) => ({
      id: String(t.id),
      projectId: String(t.project_id),
      artifactClass: t.artifact_class as 'preview' | 'release',
      sourceTakeId: t.source_take_id === null ? null : String(t.source_take_id),
      checkStatus: String(t.check_status),
      createdAt: Number(t.created_at),
      hasPromising: t.promising === 1,
      hasDiscard: t.discard === 1,
      hasNeedsFix: t.needs_fix === 1,
      isOverrideIn: t.override_in === 1,
      sourceHasDiscard: t.source_discard === 1,
    }));
  }

  published(r: Range): PublishedRow[] {
    return this.s.published.all(r).map((p) => ({ takeId: p.take_id, projectId: p.project_id, publishedAt: p.published_at }));
  }

  cacheHits(r: Range): CacheHitRow[] {
    return this.s.cacheHits.all(r).map((c) => ({ jobId: c.id, projectId: c.project_id, creditsSaved: c.credits_saved, createdAt: c.created_at }));
  }

  watermarkedReleases(r: Range): number {
    return this.s.watermarkedReleases.get(r)?.n ?? 0;
  }

  budgets(): { projectId: string; projectName: string; budget: number }[] {
    return this.s.budgets.all().map((b) => ({ projectId: b.project_id, projectName: b.name, budget: b.credits }));
  }

  projectNames(): Map<string, string> {
    return new Map(this.s.projectNames.all().map((p) => [p.id, p.name]));
  }
}
