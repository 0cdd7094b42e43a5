import type { Queryable } from '../../db/engine/sqlEngine';

export interface BenchmarkRunRow {
  report_json: string;
  applied_at: number | null;
}

/** SQL of benchmark_runs (migration 0520) and the attempts of a benchmark's job, on either engine. */
export const benchmarkRepo = {
  async insert(q: Queryable, r: { id: string; provider: string; plan: string; model: string; day: string; json: string; file: string; now: number }): Promise<void> {
    await q.run('INSERT INTO benchmark_runs (id, provider, plan, model, day, report_json, file, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      r.id, r.provider, r.plan, r.model, r.day, r.json, r.file, r.now,
    ]);
  },

  all(q: Queryable): Promise<BenchmarkRunRow[]> {
    return q.all<BenchmarkRunRow>('SELECT report_json, applied_at FROM benchmark_runs ORDER BY created_at DESC, id DESC');
  },

  one(q: Queryable, id: string): Promise<BenchmarkRunRow | undefined> {
    return q.get<BenchmarkRunRow>('SELECT report_json, applied_at FROM benchmark_runs WHERE id = ?', [id]);
  },

  async markApplied(q: Queryable, id: string, now: number, file: string): Promise<void> {
    await q.run('UPDATE benchmark_runs SET applied_at = ?, applied_file = ? WHERE id = ? AND applied_at IS NULL', [now, file, id]);
  },

  attempts(q: Queryable, jobId: string): Promise<{ status: string; queue_time_ms: number | null; started_at: number }[]> {
    return q.all('SELECT status, queue_time_ms, started_at FROM attempts WHERE job_id = ? ORDER BY id', [jobId]);
  },
};
