import type { Queryable, SqlValue } from '../db/engine/sqlEngine';
import type { AttemptRow, CacheHitRow, PoolDayRow, PublishedRow, SpendRow, TakeMarkRow } from './insightRows';

/**
 * Read-only SQL over the queue's, ledger's and board's tables (migrations 0100, 0210, 0400–0440) for
 * the report, on either engine. Ranges are half-open [from, to) in ms or UTC days. A project filter is
 * its own statement text (no `? IS NULL OR …`, whose parameter PostgreSQL cannot type); EXISTS is turned
 * into 0/1 with CASE (PostgreSQL answers a boolean); JSON is decoded here, not in SQL.
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

export interface InsightRange {
  from: number;
  to: number;
  project: string | null;
}

/** ` AND <column> = ?` when a project is given, with its parameter. */
const projectFilter = (column: string, project: string | null): [string, SqlValue[]] => (project === null ? ['', []] : [` AND ${column} = ?`, [project]]);

const flag = (sql: string): string => `CASE WHEN EXISTS (${sql}) THEN 1 ELSE 0 END`;

export const insightRepo = {
  async attempts(q: Queryable, r: InsightRange): Promise<AttemptRow[]> {
    const [and, p] = projectFilter('j.project_id', r.project);
    const rows = await q.all<AttemptSql>(
      `SELECT a.id, a.job_id, j.project_id, a.provider, a.artifact_class, a.model, a.output_spec, a.credits_before, a.credits_after,
              a.credits_estimated, a.credits_charged, a.latency_ms, a.queue_time_ms, a.status, a.error_code, a.started_at, a.finished_at
       FROM attempts a JOIN jobs j ON j.id = a.job_id
       WHERE a.started_at >= ? AND a.started_at < ?${and}
       ORDER BY a.started_at, a.id`,
      [r.from, r.to, ...p],
    );
    return rows.map((a) => ({
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
  },

  /** Posted spend: transfers into sys:spend (captures, excess debits), minus refunds (sys:refunds → pool), in posting order. */
  spend(q: Queryable, since: string, until: string, project: string | null): Promise<SpendRow[]> {
    const [and, p] = projectFilter('o.project_id', project);
    return q.all<SpendRow>(
      `SELECT e.day AS day,
              CASE WHEN e.credit_account = 'sys:spend' THEN e.amount ELSE -e.amount END AS credits,
              coalesce(o.stage, 'none') AS stage, coalesce(o.artifact_class, 'none') AS "artifactClass",
              o.project_id AS "projectId", a.pool AS pool, a.surface AS surface, o.kind AS kind,
              o.user_id AS "userId", m.name AS "userName"
       FROM ledger_entries e
       JOIN ledger_ops o ON o.id = e.op_id
       JOIN ledger_accounts a ON a.id = CASE WHEN e.credit_account = 'sys:spend' THEN e.debit_account ELSE e.credit_account END
       LEFT JOIN members m ON m.id = o.user_id
       WHERE e.is_pending = 0 AND e.amount > 0 AND (e.credit_account = 'sys:spend' OR e.debit_account = 'sys:refunds')
         AND e.day >= ? AND e.day < ?${and}
       ORDER BY e.rowid`,
      [since, until, ...p],
    );
  },

  poolDays(q: Queryable, since: string): Promise<PoolDayRow[]> {
    return q.all<PoolDayRow>(
      `SELECT a.pool AS pool, e.day AS day, sum(CASE WHEN e.credit_account = a.id THEN e.amount ELSE -e.amount END) AS delta
       FROM ledger_entries e
       JOIN ledger_accounts a ON a.kind <> 'system' AND (a.id = e.debit_account OR a.id = e.credit_account)
       WHERE e.is_pending = 0 AND e.amount > 0 AND e.day >= ?
       GROUP BY a.pool, e.day
       ORDER BY a.pool, e.day`,
      [since],
    );
  },

  async takes(q: Queryable, r: InsightRange): Promise<TakeMarkRow[]> {
    const [and, p] = projectFilter('t.project_id', r.project);
    const human = (tag: string, take = 't.id') => flag(`SELECT 1 FROM take_tags g WHERE g.take_id = ${take} AND g.is_auto = 0 AND g.tag = '${tag}'`);
    const rows = await q.all<{
      id: string;
      project_id: string;
      artifact_class: 'preview' | 'release';
      source_take_id: string | null;
      check_status: string;
      created_at: number;
      promising: number;
      discard: number;
      needs_fix: number;
      override_in: number;
      source_discard: number;
    }>(
      `SELECT t.id, t.project_id, t.artifact_class, t.source_take_id, t.check_status, t.created_at,
         ${human('promising')} AS promising,
         ${human('discard')} AS discard,
         ${human('needs-fix')} AS needs_fix,
         ${flag(`SELECT 1 FROM shortlist_overrides o WHERE o.take_id = t.id AND o.override = 'in'`)} AS override_in,
         ${human('discard', 't.source_take_id')} AS source_discard
       FROM takes t
       WHERE t.created_at >= ? AND t.created_at < ?${and}
       ORDER BY t.created_at, t.id`,
      [r.from, r.to, ...p],
    );
    return rows.map((t) => ({
      id: t.id,
      projectId: t.project_id,
      artifactClass: t.artifact_class,
      sourceTakeId: t.source_take_id,
      checkStatus: t.check_status,
      createdAt: t.created_at,
      hasPromising: t.promising === 1,
      hasDiscard: t.discard === 1,
      hasNeedsFix: t.needs_fix === 1,
      isOverrideIn: t.override_in === 1,
      sourceHasDiscard: t.source_discard === 1,
    }));
  },

  async published(q: Queryable, r: InsightRange): Promise<PublishedRow[]> {
    const [and, p] = projectFilter('project_id', r.project);
    const rows = await q.all<{ take_id: string; project_id: string; published_at: number }>(
      `SELECT take_id, project_id, published_at FROM take_published WHERE published_at >= ? AND published_at < ?${and} ORDER BY published_at, take_id`,
      [r.from, r.to, ...p],
    );
    return rows.map((x) => ({ takeId: x.take_id, projectId: x.project_id, publishedAt: x.published_at }));
  },

  async cacheHits(q: Queryable, r: InsightRange): Promise<CacheHitRow[]> {
    const [and, p] = projectFilter('project_id', r.project);
    const rows = await q.all<{ id: string; project_id: string; credits_saved: number; created_at: number }>(
      `SELECT id, project_id, credits_saved, created_at FROM jobs WHERE cache_of_job_id IS NOT NULL AND created_at >= ? AND created_at < ?${and} ORDER BY created_at, id`,
      [r.from, r.to, ...p],
    );
    return rows.map((c) => ({ jobId: c.id, projectId: c.project_id, creditsSaved: c.credits_saved, createdAt: c.created_at }));
  },

  /** Release takes whose stored auto-check has a failed watermark check (the checks are JSON, read here). */
  async watermarkedReleases(q: Queryable, r: InsightRange): Promise<number> {
    const [and, p] = projectFilter('project_id', r.project);
    const rows = await q.all<{ checks_json: string }>(
      `SELECT checks_json FROM takes WHERE artifact_class = 'release' AND checks_json IS NOT NULL AND created_at >= ? AND created_at < ?${and}`,
      [r.from, r.to, ...p],
    );
    return rows.filter((t) => failedWatermark(t.checks_json)).length;
  },

  async budgets(q: Queryable): Promise<{ projectId: string; projectName: string; budget: number }[]> {
    const rows = await q.all<{ project_id: string; name: string; credits: number }>(
      'SELECT b.project_id, p.name, b.credits FROM money_budgets b JOIN projects p ON p.id = b.project_id WHERE p.deleted_at IS NULL',
    );
    return rows.sort((a, b) => byName(a, b) || byText(a.project_id, b.project_id)).map((b) => ({ projectId: b.project_id, projectName: b.name, budget: b.credits }));
  },

  async projectNames(q: Queryable): Promise<Map<string, string>> {
    const rows = await q.all<{ id: string; name: string }>('SELECT id, name FROM projects WHERE deleted_at IS NULL');
    return new Map(rows.sort((a, b) => byName(a, b) || byText(a.id, b.id)).map((p) => [p.id, p.name]));
  },
};

/** Names in code-unit order (SQLite's BINARY): PostgreSQL's ORDER BY follows the database's collation. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byName = (a: { name: string }, b: { name: string }): number => byText(a.name, b.name);

function failedWatermark(checksJson: string): boolean {
  let checks: unknown;
  try {
    checks = JSON.parse(checksJson);
  } catch {
    return false;
  }
  return Array.isArray(checks) && checks.some((c: { name?: unknown; ok?: unknown } | null) => c?.name === 'watermark' && (c.ok === false || c.ok === 0));
}
