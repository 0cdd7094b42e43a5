import { decodeParams } from './jobParamsColumn';
import { bindAll, named } from '../db/engine/namedSql';
import type { Queryable } from '../db/engine/sqlEngine';
import type { Job, JobStatus } from '../../../shared/contract/jobs';
import type { ArtifactClass, ProviderId } from '../../../shared/money/params';

export interface JobRow {
  id: string;
  project_id: string;
  shot_id: string;
  provider: string;
  model: string;
  artifact_class: string;
  variations: number;
  params_json: string;
  prompt_sealed: Buffer;
  params_hash: string;
  idempotency_key: string;
  source_take_id: string | null;
  cache_of_job_id: string | null;
  status: JobStatus;
  is_cancel_requested: number;
  priority: number;
  seq: number;
  attempts: number;
  max_attempts: number;
  lease_token: number;
  lease_expires_at: number | null;
  next_attempt_at: number;
  reservation_id: string | null;
  estimated_credits: number;
  reserved_credits: number;
  captured_credits: number | null;
  credits_saved: number;
  credits_before: number | null;
  credits_after: number | null;
  input_bytes: number;
  output_spec: string;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  submitted_by: string | null;
}

export interface TaskRow {
  job_id: string;
  n: number;
  status: 'pending' | 'intent' | 'submitted' | 'succeeded' | 'failed' | 'cancelled' | 'unknown';
  tries: number;
  provider_task_id: string | null;
  provider_status: string | null;
  progress: number | null;
  estimated_credits: number | null;
  cost_credits: number | null;
  failure_code: string | null;
  failure: string | null;
  take_id: string | null;
  intent_at: number | null;
  submitted_at: number | null;
  finished_at: number | null;
}

export interface NewJob {
  id: string;
  projectId: string;
  shotId: string;
  provider: ProviderId;
  model: string;
  artifactClass: ArtifactClass;
  variations: number;
  paramsJson: string;
  promptSealed: Buffer;
  paramsHash: string;
  idempotencyKey: string;
  sourceTakeId: string | null;
  cacheOfJobId: string | null;
  status: JobStatus;
  priority: number;
  maxAttempts: number;
  estimatedCredits: number;
  inputBytes: number;
  outputSpec: string;
  /** A studio member's id or a review link's name; null: the machine's owner. */
  submittedBy: string | null;
  /** The job's hold, made in the same transaction just before (null, 0, null for a cache hit). */
  reservationId: string | null;
  reserved: number;
  before: number | null;
  now: number;
}

/**
 * The partial index jobs_ready's own condition, repeated in the queries that should use it: SQLite uses a
 * partial index only when the query's WHERE contains its condition term for term (`status = 'queued'`
 * alone does not count), and without it every claim scanned the whole jobs table and sorted it.
 */
const READY_INDEX = `status IN ('queued', 'running')`;

type Id = { id: string };
type Lease = { id: string; token: number };
type Finish = { status: JobStatus; captured: number | null; after: number | null; code: string | null; message: string | null; now: number };
type Requeue = Lease & { at: number; now: number; code: string | null; message: string | null };

/**
 * Statements over jobs and job_tasks, in the dialect SQLite and PostgreSQL share. Writes made while a
 * job is leased are fenced: they carry the lease token and change nothing when a newer claim has
 * happened (callers check `changes`).
 */
export const JOB_SQL = {
  /** A new job, answered as stored (`RETURNING *`: the submit's answer needs no read back). */
  insert: named<NewJob, JobRow>(`
    INSERT INTO jobs (id, project_id, shot_id, provider, model, artifact_class, variations, params_json, prompt_sealed, params_hash,
      idempotency_key, source_take_id, cache_of_job_id, status, priority, seq, max_attempts, estimated_credits, input_bytes, output_spec,
      submitted_by, reservation_id, reserved_credits, credits_before, created_at, updated_at)
    VALUES (@id, @projectId, @shotId, @provider, @model, @artifactClass, @variations, @paramsJson, @promptSealed, @paramsHash,
      @idempotencyKey, @sourceTakeId, @cacheOfJobId, @status, @priority, (SELECT coalesce(max(seq), 0) + 1 FROM jobs), @maxAttempts,
      @estimatedCredits, @inputBytes, @outputSpec, @submittedBy, @reservationId, @reserved, @before, @now, @now)
    RETURNING *`),
  insertTask: named<{ jobId: string; n: number }, TaskRow>(`INSERT INTO job_tasks (job_id, n, status) VALUES (@jobId, @n, 'pending') RETURNING *`),
  get: named<Id, JobRow>(`SELECT * FROM jobs WHERE id = @id`),
  /** What a running job's worker checks between steps: still its lease, cancel asked? (no params, no sealed prompt). */
  leaseState: named<Id, Pick<JobRow, 'lease_token' | 'is_cancel_requested' | 'attempts'>>(`SELECT lease_token, is_cancel_requested, attempts FROM jobs WHERE id = @id`),
  runningIds: named<void, { id: string }>(`SELECT id FROM jobs WHERE ${READY_INDEX} AND status = 'running'`),
  tasks: named<Id, TaskRow>(`SELECT * FROM job_tasks WHERE job_id = @id ORDER BY n`),
  task: named<{ id: string; n: number }, TaskRow>(`SELECT * FROM job_tasks WHERE job_id = @id AND n = @n`),
  byKey: named<{ key: string }, JobRow>(
    `SELECT * FROM jobs WHERE idempotency_key = @key AND cache_of_job_id IS NULL AND status IN ('succeeded','queued','paused','running','unknown')
     ORDER BY CASE status WHEN 'succeeded' THEN 0 ELSE 1 END, created_at DESC LIMIT 1`,
  ),
  list: named<{ projectId: string | null; limit: number }, JobRow>(
    `SELECT * FROM jobs WHERE (CAST(@projectId AS TEXT) IS NULL OR project_id = @projectId) ORDER BY created_at DESC, seq DESC LIMIT @limit`,
  ),
  /**
   * The newest `limit` jobs of one project, then only those whose status is in the comma-joined `statuses`
   * (all when null): on the project's index (`list`'s `IS NULL OR` form reads every job), filtered in SQL on
   * their ids and statuses alone, so a board over a season of 25,000 finished jobs copies none of them whole
   * (nor turns them into JS objects) to find the active few.
   */
  listOfProject: named<{ projectId: string; statuses: string | null; limit: number }, JobRow>(
    `SELECT * FROM jobs WHERE id IN (
       SELECT id FROM (SELECT id, status FROM jobs WHERE project_id = @projectId ORDER BY created_at DESC, seq DESC LIMIT @limit) recent
       WHERE CAST(@statuses AS TEXT) IS NULL OR @statuses LIKE ('%,' || status || ',%'))
     ORDER BY created_at DESC, seq DESC`,
  ),
  deadLetters: named<void, JobRow>(`SELECT * FROM jobs WHERE status = 'failed' ORDER BY finished_at DESC`),
  earliestWaiting: named<void, { at: number | null }>(`SELECT min(next_attempt_at) AS at FROM jobs WHERE ${READY_INDEX} AND status = 'queued'`),
  claim: named<{ id: string; now: number; leaseUntil: number }>(`
    UPDATE jobs SET status = 'running', lease_token = lease_token + 1, lease_expires_at = @leaseUntil, attempts = attempts + 1,
      started_at = coalesce(started_at, @now), updated_at = @now
    WHERE id = @id AND status = 'queued'`),
  renew: named<Lease & { leaseUntil: number }>(`UPDATE jobs SET lease_expires_at = @leaseUntil WHERE id = @id AND lease_token = @token AND status = 'running'`),
  expiredLeases: named<{ now: number }, JobRow>(`SELECT * FROM jobs WHERE ${READY_INDEX} AND status = 'running' AND lease_expires_at < @now`),
  /** Crash recovery and lease expiry: back to the queue; the token is bumped, fencing the old holder. */
  requeueExpired: named<{ id: string; now: number }>(
    `UPDATE jobs SET status = 'queued', lease_token = lease_token + 1, lease_expires_at = NULL, updated_at = @now WHERE id = @id AND status = 'running'`,
  ),
  /**
   * A lease found expired, taken back only if it still is: its holder may have renewed it between the scan
   * and this statement (a worker that stalled past its lease and woke), and fencing a live holder out
   * would make it stop a job that was going on.
   */
  requeueIfExpired: named<{ id: string; now: number }>(
    `UPDATE jobs SET status = 'queued', lease_token = lease_token + 1, lease_expires_at = NULL, updated_at = @now
     WHERE id = @id AND status = 'running' AND lease_expires_at < @now`,
  ),
  /** The same for every lease that ran out, as one statement (a shared queue's recovery of a dead worker's jobs). */
  requeueAllExpired: named<{ now: number }, { id: string }>(
    `UPDATE jobs SET status = 'queued', lease_token = lease_token + 1, lease_expires_at = NULL, updated_at = @now
     WHERE ${READY_INDEX} AND status = 'running' AND lease_expires_at < @now RETURNING id`,
  ),
  requeue: named<Requeue>(`
    UPDATE jobs SET status = 'queued', lease_expires_at = NULL, next_attempt_at = @at, updated_at = @now,
      error_code = @code, error_message = @message
    WHERE id = @id AND lease_token = @token AND status = 'running'`),
  /** A requeue that was not a real attempt (the breaker refused before any provider call): the claim's count is given back. */
  requeueUncounted: named<Requeue>(`
    UPDATE jobs SET status = 'queued', lease_expires_at = NULL, next_attempt_at = @at, updated_at = @now,
      error_code = @code, error_message = @message, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END
    WHERE id = @id AND lease_token = @token AND status = 'running'`),
  undefer: named<{ code: string; now: number }>(
    `UPDATE jobs SET next_attempt_at = @now WHERE ${READY_INDEX} AND status = 'queued' AND error_code = @code AND next_attempt_at > @now`,
  ),
  /** A cache hit's own row: nothing captured, the original's cost saved. */
  markCacheHit: named<{ id: string; saved: number; now: number }>(`UPDATE jobs SET captured_credits = 0, credits_saved = @saved, finished_at = @now WHERE id = @id`),
  /** UNKNOWN resolved: resubmit starts the attempts again; abandon only reopens the job for its settle. */
  reopenForResubmit: named<Id>(`UPDATE jobs SET attempts = 0, next_attempt_at = 0, error_code = NULL, error_message = NULL, finished_at = NULL WHERE id = @id`),
  reopenForSettle: named<Id>(`UPDATE jobs SET next_attempt_at = 0, finished_at = NULL WHERE id = @id`),
  setReservation: named<{ id: string; reservationId: string; reserved: number; before: number | null }>(
    `UPDATE jobs SET reservation_id = @reservationId, reserved_credits = @reserved, credits_before = @before WHERE id = @id`,
  ),
  finish: named<Lease & Finish>(`
    UPDATE jobs SET status = @status, captured_credits = @captured, credits_after = @after, error_code = @code, error_message = @message,
      lease_expires_at = NULL, finished_at = @now, updated_at = @now
    WHERE id = @id AND lease_token = @token AND status = 'running'`),
  finishUnleased: named<Id & { from: string } & Finish>(`
    UPDATE jobs SET status = @status, captured_credits = @captured, credits_after = @after, error_code = @code, error_message = @message,
      lease_expires_at = NULL, finished_at = @now, updated_at = @now, lease_token = lease_token + 1
    WHERE id = @id AND status = @from`),
  setStatus: named<{ id: string; from: string; to: JobStatus; now: number }>(`UPDATE jobs SET status = @to, updated_at = @now WHERE id = @id AND status = @from`),
  requestCancel: named<{ id: string; now: number }>(`UPDATE jobs SET is_cancel_requested = 1, updated_at = @now WHERE id = @id`),
  setPriority: named<{ id: string; priority: number; now: number }>(`UPDATE jobs SET priority = @priority, updated_at = @now WHERE id = @id`),
  setSeq: named<{ id: string; seq: number }>(`UPDATE jobs SET seq = @seq WHERE id = @id`),
  shiftSeqFrom: named<{ from: number }>(`UPDATE jobs SET seq = seq + 1 WHERE seq >= @from`),
  resetForRetry: named<{ id: string; now: number; maxAttempts: number }>(`
    UPDATE jobs SET status = 'queued', attempts = 0, max_attempts = @maxAttempts, next_attempt_at = 0, error_code = NULL, error_message = NULL,
      finished_at = NULL, captured_credits = NULL, credits_after = NULL, is_cancel_requested = 0, updated_at = @now
    WHERE id = @id AND status = 'failed'`),
  // Tasks — fenced through the job's lease token.
  cancelPendingTasks: named<{ id: string; now: number }>(`UPDATE job_tasks SET status = 'cancelled', finished_at = @now WHERE job_id = @id AND status = 'pending'`),
  taskIntent: named<Lease & { n: number; now: number }>(`
    UPDATE job_tasks SET status = 'intent', intent_at = @now, tries = tries + 1
    WHERE job_id = @id AND n = @n AND status = 'pending'
      AND EXISTS (SELECT 1 FROM jobs WHERE id = @id AND lease_token = @token AND status = 'running' AND is_cancel_requested = 0)`),
  taskSubmitted: named<Lease & { n: number; taskId: string; est: number | null; now: number }>(`
    UPDATE job_tasks SET status = 'submitted', provider_task_id = @taskId, estimated_credits = @est, submitted_at = @now
    WHERE job_id = @id AND n = @n AND status = 'intent'
      AND EXISTS (SELECT 1 FROM jobs WHERE id = @id AND lease_token = @token AND status = 'running')`),
  /** A create to try again (its call failed, or its task failed worth a retry): only by the lease holder, only a task in flight. */
  taskBackToPending: named<Lease & { n: number }>(`
    UPDATE job_tasks SET status = 'pending', intent_at = NULL, provider_task_id = NULL, provider_status = NULL, progress = NULL
    WHERE job_id = @id AND n = @n AND status IN ('intent', 'submitted')
      AND EXISTS (SELECT 1 FROM jobs WHERE id = @id AND lease_token = @token AND status = 'running')`),
  taskProgress: named<{ id: string; n: number; providerStatus: string; progress: number | null }>(
    `UPDATE job_tasks SET provider_status = @providerStatus, progress = @progress WHERE job_id = @id AND n = @n AND status = 'submitted'`,
  ),
  taskEnd: named<{ id: string; n: number; status: string; cost: number | null; code: string | null; failure: string | null; takeId: string | null; providerStatus: string | null; now: number }>(`
    UPDATE job_tasks SET status = @status, cost_credits = @cost, failure_code = @code, failure = @failure, take_id = @takeId,
      provider_status = coalesce(@providerStatus, provider_status), progress = CASE WHEN @status = 'succeeded' THEN 1 ELSE progress END, finished_at = @now
    WHERE job_id = @id AND n = @n AND status NOT IN ('succeeded', 'failed', 'cancelled')`),
  taskUnknown: named<{ id: string; n: number; code: string | null; failure: string | null }>(
    `UPDATE job_tasks SET status = 'unknown', failure_code = @code, failure = @failure WHERE job_id = @id AND n = @n AND status NOT IN ('succeeded', 'failed', 'cancelled')`,
  ),
  unknownToPending: named<Id>(`UPDATE job_tasks SET status = 'pending', provider_task_id = NULL, intent_at = NULL WHERE job_id = @id AND status = 'unknown'`),
  unknownToFailed: named<{ id: string; now: number }>(
    `UPDATE job_tasks SET status = 'failed', failure_code = 'ABANDONED', failure = 'abandoned after an unknown create outcome', cost_credits = 0, finished_at = @now WHERE job_id = @id AND status = 'unknown'`,
  ),
  failedToPending: named<Id>(
    `UPDATE job_tasks SET status = 'pending', provider_task_id = NULL, provider_status = NULL, progress = NULL, failure_code = NULL, failure = NULL, cost_credits = NULL, intent_at = NULL, submitted_at = NULL, finished_at = NULL WHERE job_id = @id AND status IN ('failed', 'cancelled')`,
  ),
  paused: named<void, { value: string }>(`SELECT value FROM queue_state WHERE key = 'paused'`),
  setPaused: named<{ v: string }>(`INSERT INTO queue_state (key, value) VALUES ('paused', @v) ON CONFLICT(key) DO UPDATE SET value = excluded.value`),
};

/**
 * Claims up to @max ready jobs of the listed providers, best first, in one statement. On PostgreSQL the
 * candidates are locked with SKIP LOCKED, so workers on many machines claiming at once each take
 * different jobs without waiting on each other; the outer `status = 'queued'` is checked again on the
 * locked row. On SQLite (one writer) the suffix is empty. The candidates are a MATERIALIZED CTE, picked
 * once: as a plain `IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)` PostgreSQL may run the sub-select again
 * per row, each run skipping the rows the last one locked, and claim more than n jobs.
 */
/**
 * Without the jobs_ready condition on purpose: the owners' claim is driven from the in-flight tasks'
 * partial index (a handful of rows) with a key lookup per job; on jobs_ready it would walk the whole
 * backlog, checking each job against the tasks, on every claim.
 */
const OWNS_TASK_IN_FLIGHT = "id IN (SELECT job_id FROM job_tasks WHERE status IN ('intent', 'submitted'))";
const claimSql = (skipLocked: string, owningTasksInFlight = false) =>
  named<{ now: number; leaseUntil: number; providers: string; max: number }, JobRow>(`
    WITH pick AS MATERIALIZED (
      SELECT id FROM jobs WHERE ${owningTasksInFlight ? OWNS_TASK_IN_FLIGHT : READY_INDEX} AND status = 'queued' AND next_attempt_at <= @now
        AND @providers LIKE ('%,' || provider || ',%')
      ORDER BY priority DESC, seq ASC LIMIT @max${skipLocked}
    )
    UPDATE jobs SET status = 'running', lease_token = lease_token + 1, lease_expires_at = @leaseUntil, attempts = attempts + 1,
      started_at = coalesce(started_at, @now), updated_at = @now
    WHERE id IN (SELECT id FROM pick) AND status = 'queued'
    RETURNING *`);
const CLAIM = { shared: claimSql(' FOR UPDATE SKIP LOCKED'), alone: claimSql('') };
/**
 * SQLite's claim (one writer, inside the claim's transaction): the pick alone, then one keyed update per
 * picked job. The one-statement form above (UPDATE … WHERE id IN (pick) RETURNING *) costs 3–6× as much
 * there (70–150 µs against ~25 µs for one job, measured on the bench's queue), and the queue claims once
 * per job when it hands a slot on.
 */
const pickSql = (owningTasksInFlight: boolean) =>
  named<{ now: number; providers: string; max: number }, { id: string }>(`
    SELECT id FROM jobs WHERE ${owningTasksInFlight ? OWNS_TASK_IN_FLIGHT : READY_INDEX} AND status = 'queued' AND next_attempt_at <= @now
      AND @providers LIKE ('%,' || provider || ',%')
    ORDER BY priority DESC, seq ASC LIMIT @max`);
const PICK = { ready: pickSql(false), owners: pickSql(true) };
const CLAIM_PICKED = {
  one: named<{ id: string; now: number; leaseUntil: number }, JobRow>(`
    UPDATE jobs SET status = 'running', lease_token = lease_token + 1, lease_expires_at = @leaseUntil, attempts = attempts + 1,
      started_at = coalesce(started_at, @now), updated_at = @now
    WHERE id = @id AND status = 'queued'
    RETURNING *`),
};
/**
 * Ready jobs that still own a task in flight at the provider (taken back from a worker that died, or
 * requeued after failed polls), claimed ahead of the rest: their tasks count against the tier's
 * concurrency until someone polls them to the end, so jobs waiting for the tier must not keep every slot
 * from them (a chaos soak on PostgreSQL stalled that way). A scan of the in-flight tasks' partial index.
 */
const CLAIM_OWNERS = { shared: claimSql(' FOR UPDATE SKIP LOCKED', true), alone: claimSql('', true) };

/** The claim's text (or the owners' claim's), for query-plan tests. */
export const claimStatement = (skipLocked: string, owningTasksInFlight = false): string => claimSql(skipLocked, owningTasksInFlight).text;
/** SQLite's pick (see PICK), for query-plan tests. */
export const claimPickStatement = (owningTasksInFlight = false): string => pickSql(owningTasksInFlight).text;

/** The queue's rows over the engine port: `on(q)` inside a transaction, `s` for a single statement. */
export class JobRepo {
  constructor(private readonly engine: Queryable) {}

  /** The statements on a transaction's Queryable (or the engine's, for one autocommitted statement). */
  on(q: Queryable = this.engine) {
    return bindAll(q, JOB_SQL);
  }

  get s() {
    return bindAll(this.engine, JOB_SQL);
  }

  /**
   * Claims up to `max` ready jobs of these providers, best first (inside a transaction); the claimed rows.
   * With `ownersFirst`, jobs that still own a task in flight come before the line (one more statement:
   * the queue asks for it when its slots may be held by jobs waiting for the tier, and at lease scans).
   */
  async claimReady(q: Queryable, max: number, providers: readonly string[], now: number, leaseMs: number, ownersFirst = true): Promise<JobRow[]> {
    if (max <= 0 || providers.length === 0) return [];
    const mode = q.forUpdate ? 'shared' : 'alone';
    const args = { now, leaseUntil: now + leaseMs, providers: `,${providers.join(',')},`, max };
    const best = (a: JobRow, b: JobRow) => b.priority - a.priority || a.seq - b.seq;
    const claim = async (owning: boolean, n: number): Promise<JobRow[]> => {
      if (mode === 'shared') return bindAll(q, owning ? CLAIM_OWNERS : CLAIM).shared.all({ ...args, max: n });
      const out: JobRow[] = [];
      for (const { id } of await bindAll(q, PICK)[owning ? 'owners' : 'ready'].all({ now, providers: args.providers, max: n })) {
        const row = await bindAll(q, CLAIM_PICKED).one.get({ id, now, leaseUntil: args.leaseUntil });
        if (row) out.push(row);
      }
      return out;
    };
    const owners = ownersFirst ? (await claim(true, max)).sort(best) : [];
    if (owners.length >= max) return owners;
    const rows = await claim(false, max - owners.length);
    return [...owners, ...rows.sort(best)];
  }

  /** claimReady, and the claimed jobs' tasks in the same transaction (a few statements for all, none per runner). */
  async claimWithTasks(q: Queryable, max: number, providers: readonly string[], now: number, leaseMs: number, ownersFirst: boolean): Promise<{ row: JobRow; tasks: TaskRow[] }[]> {
    const rows = await this.claimReady(q, max, providers, now, leaseMs, ownersFirst);
    const tasks = rows.length > 0 ? await this.tasksOf(rows.map((r) => r.id), q) : new Map<string, TaskRow[]>();
    return rows.map((row) => ({ row, tasks: tasks.get(row.id) ?? [] }));
  }

  /** Puts back in the queue the running jobs whose leases ran out (but `running`: this worker's own); their ids. */
  async takeBackLapsed(now: number, running: ReadonlyMap<string, unknown>): Promise<string[]> {
    const out: string[] = [];
    for (const r of await this.s.expiredLeases.all({ now })) {
      if (!running.has(r.id) && (await this.s.requeueIfExpired.run({ id: r.id, now })).changes > 0) out.push(r.id);
    }
    return out;
  }

  get(id: string, q: Queryable = this.engine): Promise<JobRow | undefined> {
    return this.on(q).get.get({ id });
  }

  tasks(id: string, q: Queryable = this.engine): Promise<TaskRow[]> {
    return this.on(q).tasks.all({ id });
  }

  async job(id: string, q: Queryable = this.engine): Promise<Job | undefined> {
    const r = await this.get(id, q);
    return r ? toJob(r, await this.tasks(id, q)) : undefined;
  }

  /** The jobs with these ids as they are now, in the order given (an id with no job is left out). */
  async jobsOf(ids: readonly string[], q: Queryable = this.engine): Promise<Job[]> {
    const byId = new Map<string, JobRow>();
    for (let i = 0; i < ids.length; i += TASKS_IN) {
      const some = ids.slice(i, i + TASKS_IN);
      while (some.length < TASKS_IN) some.push(some[0]!);
      for (const r of await q.all<JobRow>(JOBS_OF_SQL, some)) byId.set(r.id, r);
    }
    return this.jobs(ids.flatMap((id) => byId.get(id) ?? []), q);
  }

  /**
   * Rows as jobs, their tasks read TASKS_IN ids per statement on the tasks' key (job_id, n). (Matching
   * every task row against one joined id list read all of job_tasks, scanning the list once per row.)
   */
  async jobs(rows: JobRow[], q: Queryable = this.engine): Promise<Job[]> {
    const byJob = await this.tasksOf(rows.map((r) => r.id), q);
    return rows.map((r) => toJob(r, byJob.get(r.id) ?? []));
  }

  /** The tasks of these jobs by job id, in task order, TASKS_IN jobs per statement. */
  async tasksOf(jobIds: readonly string[], q: Queryable = this.engine): Promise<Map<string, TaskRow[]>> {
    const byJob = new Map<string, TaskRow[]>();
    // A few jobs (a claim handing slots on): by their keys, not a list of TASKS_IN padded places (25 µs
    // a statement against 8 for one key).
    if (jobIds.length <= 3) {
      for (const id of jobIds) byJob.set(id, await this.tasks(id, q));
      return byJob;
    }
    for (let i = 0; i < jobIds.length; i += TASKS_IN) {
      const ids = jobIds.slice(i, i + TASKS_IN);
      // One statement text for any count: the free places repeat an id (IN ignores repeats).
      while (ids.length < TASKS_IN) ids.push(ids[0]!);
      for (const t of await q.all<TaskRow>(TASKS_OF_SQL, ids)) {
        const list = byJob.get(t.job_id) ?? [];
        list.push(t);
        byJob.set(t.job_id, list);
      }
    }
    return byJob;
  }
}

/** Jobs whose tasks one statement reads (JobRepo.jobs). */
const TASKS_IN = 20;
export const TASKS_OF_SQL = `SELECT * FROM job_tasks WHERE job_id IN (${Array.from({ length: TASKS_IN }, () => '?').join(', ')}) ORDER BY job_id, n`;
/** Up to TASKS_IN jobs by id in one statement (JobRepo.jobsOf; free places repeat an id). */
const JOBS_OF_SQL = `SELECT * FROM jobs WHERE id IN (${Array.from({ length: TASKS_IN }, () => '?').join(', ')})`;

export const ACTIVE_STATUSES: JobStatus[] = ['queued', 'paused', 'running', 'unknown'];
export const TERMINAL_JOB_STATUSES: JobStatus[] = ['succeeded', 'partial', 'failed', 'cancelled', 'discarded'];

export function toJob(r: JobRow, tasks: TaskRow[]): Job {
  const params = decodeParams(r.params_json, r.id);
  return {
    id: r.id,
    projectId: r.project_id,
    shotId: r.shot_id,
    provider: r.provider as ProviderId,
    model: r.model,
    artifactClass: r.artifact_class as ArtifactClass,
    variations: r.variations,
    durationSec: params.durationSec ?? null,
    ratio: params.ratio ?? null,
    paramsHash: r.params_hash,
    status: r.status,
    isCancelRequested: r.is_cancel_requested === 1,
    priority: r.priority,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    nextAttemptAt: r.next_attempt_at,
    estimatedCredits: r.estimated_credits,
    reservedCredits: r.reserved_credits,
    capturedCredits: r.captured_credits,
    creditsSaved: r.credits_saved,
    creditsBefore: r.credits_before,
    creditsAfter: r.credits_after,
    cacheOfJobId: r.cache_of_job_id,
    sourceTakeId: r.source_take_id,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    submittedBy: r.submitted_by ?? null,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    tasks: tasks.map((t) => ({
      n: t.n,
      status: t.status,
      providerTaskId: t.provider_task_id,
      providerStatus: t.provider_status,
      progress: t.progress,
      costCredits: t.cost_credits,
      failureCode: t.failure_code,
      failure: t.failure,
      takeId: t.take_id,
    })),
  };
}
