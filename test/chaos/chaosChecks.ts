import { expect } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import type { Job } from '../../shared/contract/jobs';

/** After a soak: each terminal job's reservation resolved exactly once; an UNKNOWN job still holds its own. */
export async function expectReservationsResolved(core: Core, jobs: readonly Job[]): Promise<void> {
  for (const j of jobs) {
    const rs = await core.ledger.reservationsForJob(j.id);
    expect(rs).toHaveLength(1);
    if (j.status === 'unknown') expect(rs[0]!.state).toBe('pending');
    else expect(rs[0]!.state).toBe((j.capturedCredits ?? 0) > 0 ? 'captured' : 'voided');
  }
}

/**
 * Why jobs are still open after a soak's settle deadline, from the database every worker shares: each job's
 * row (lease token and expiry, attempts, next attempt, last error), its tasks and its attempts, and the
 * tasks of the model in flight across the team (what a shared tier limit counts). Printed, so a failed
 * soak explains itself.
 */
export async function openJobsReport(core: Core, ids: readonly string[], now = Date.now()): Promise<string> {
  const q = core.engine;
  const out: unknown[] = [];
  for (const id of ids) {
    const job = await q.get(
      `SELECT id, status, variations, is_cancel_requested, attempts, max_attempts, lease_token, lease_expires_at, next_attempt_at,
        error_code, error_message, reservation_id, updated_at, started_at, finished_at FROM jobs WHERE id = ?`,
      [id],
    );
    const tasks = await q.all('SELECT n, status, tries, provider_task_id, provider_status, failure_code, cost_credits, intent_at, submitted_at, finished_at FROM job_tasks WHERE job_id = ? ORDER BY n', [id]);
    const attempts = await q.all('SELECT id, n, attempt, status, error_code, provider_job_id, credits_charged, started_at, finished_at FROM attempts WHERE job_id = ? ORDER BY id', [id]);
    out.push({ job, tasks, attempts });
  }
  const inFlight = await q.all(
    "SELECT t.job_id, t.n, t.status, t.provider_task_id, j.status AS job_status, j.lease_expires_at FROM job_tasks t JOIN jobs j ON j.id = t.job_id WHERE t.status IN ('intent', 'submitted')",
  );
  return JSON.stringify({ now, open: out, inFlight }, null, 1);
}
