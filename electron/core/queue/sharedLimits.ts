import { AppError } from '../../../shared/errors';
import type { PlanConfig } from '../../../shared/money/planSchema';
import { bindAll, named } from '../db/engine/namedSql';
import type { Queryable } from '../db/engine/sqlEngine';

/**
 * A provider's tier limits shared by every queue worker through the database (migration 0850), so they
 * hold for a whole team however many worker processes on however many machines draw on one provider
 * account: a token bucket per provider (requests per minute with a burst) and a limit on tasks in flight
 * per provider and model.
 *
 * `admit` runs inside the transaction that writes a task's 'intent' row, so the admission and the intent
 * commit together or not at all. It locks, in this fixed order, the provider's bucket row and then the
 * model's slot row (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's BEGIN IMMEDIATE is the only writer
 * already), so two workers admitting for one provider queue behind each other and never deadlock. The
 * count of tasks in flight is read from the queue's own rows (job_tasks in 'intent' or 'submitted' of
 * jobs with that provider and model) after the lock, so it includes every intent committed before.
 *
 * Call it at the same point of the intent transaction every time — first (before it locks ledger rows or
 * others), or last, right after writing the intent row (`taskKey` keeps that row out of the count; on a
 * refusal the caller then rolls its intent back) — and with `isolation: 'lockRows'` on PostgreSQL: under
 * SERIALIZABLE the same admissions are correct too, but competing ones become retries (every admission
 * writes the bucket row). Admissions for one provider commit one after another (`npm run bench limits`).
 *
 * A refusal writes nothing that changes a limit: the caller's transaction may commit or roll back as it
 * likes. (The first admission for a provider or model creates its row: a full bucket, no admissions.)
 */

export interface AdmitRequest {
  provider: string;
  model: string;
  /** The clock's ms; the bucket refills by the time elapsed since its last refill. */
  now: number;
  /** Requests per minute; null: no bucket (the tier sets no rate). */
  perMinute: number | null;
  /** Tokens the bucket holds when full (default 1). */
  burst?: number;
  /** Tasks of this provider and model in flight at once (0: none may start); null: no limit. */
  maxConcurrent: number | null;
  /** The task being admitted: not counted against the limit if its intent row is already written. */
  taskKey: { jobId: string; n: number };
  /**
   * How soon a refusal for concurrency asks to try again (default 1000 ms): a slot frees when a task
   * of the model finishes, which no clock can foretell.
   */
  retryMs?: number;
}

export type Admission = { ok: true } | { ok: false; waitMs: number; reason: 'rate' | 'concurrency' };

/**
 * A bucket's state: its fill in units of 1/60,000 token (a bucket of N requests a minute gains exactly N
 * units a millisecond, so refills are whole numbers and no fraction is ever rounded away) and the time it
 * was last refilled.
 */
export interface BucketState {
  fill: number;
  refilledAt: number;
}

/** One token, in fill units. */
export const TOKEN = 60_000;
const DEFAULT_RETRY_MS = 1000;
const IN_FLIGHT_STATUSES = "('intent', 'submitted')";
/** Tasks of a provider's model in flight (the partial index job_tasks_in_flight serves it; its test reads the plan). */
export const IN_FLIGHT_COUNT = `SELECT COUNT(*) AS c FROM job_tasks t JOIN jobs j ON j.id = t.job_id
     WHERE t.status IN ${IN_FLIGHT_STATUSES} AND j.provider = @provider AND j.model = @model`;

interface BucketRow {
  fill: number;
  refilled_at: number;
}

const sql = {
  bucket: named<{ provider: string }, BucketRow>('SELECT fill, refilled_at FROM rate_buckets WHERE provider = @provider', { locks: true }),
  peekBucket: named<{ provider: string }, BucketRow>('SELECT fill, refilled_at FROM rate_buckets WHERE provider = @provider'),
  newBucket: named<{ provider: string; fill: number; at: number }>(
    'INSERT INTO rate_buckets (provider, fill, refilled_at) VALUES (@provider, @fill, @at) ON CONFLICT (provider) DO NOTHING',
  ),
  setBucket: named<{ provider: string; fill: number; at: number }>('UPDATE rate_buckets SET fill = @fill, refilled_at = @at WHERE provider = @provider'),
  slot: named<{ provider: string; model: string }, { admitted: number }>('SELECT admitted FROM model_slots WHERE provider = @provider AND model = @model', { locks: true }),
  newSlot: named<{ provider: string; model: string }>('INSERT INTO model_slots (provider, model) VALUES (@provider, @model) ON CONFLICT (provider, model) DO NOTHING'),
  useSlot: named<{ provider: string; model: string; now: number }>(
    'UPDATE model_slots SET admitted = admitted + 1, admitted_at = @now WHERE provider = @provider AND model = @model',
  ),
  inFlightOthers: named<{ provider: string; model: string; jobId: string; n: number }, { c: number }>(
    `SELECT COUNT(*) AS c FROM job_tasks t JOIN jobs j ON j.id = t.job_id
     WHERE t.status IN ${IN_FLIGHT_STATUSES} AND j.provider = @provider AND j.model = @model AND NOT (t.job_id = @jobId AND t.n = @n)`,
  ),
  inFlight: named<{ provider: string; model: string }, { c: number }>(IN_FLIGHT_COUNT),
  allSlots: named<void, { provider: string; model: string; admitted: number; admitted_at: number | null }>(
    'SELECT provider, model, admitted, admitted_at FROM model_slots ORDER BY provider, model',
  ),
};

/**
 * Admits one task of `a.model` at `a.provider` or says why not and for how long: takes one token from
 * the provider's bucket and one slot of the model's concurrency, both or neither.
 */
export async function admit(q: Queryable, a: AdmitRequest): Promise<Admission> {
  const limits = checked(a);
  const s = bindAll(q, sql);
  let bucket: BucketState | null = null;
  if (limits.perMinute !== null) {
    bucket = refill(await lockedBucket(q, a.provider, limits.burst, a.now), a.now, limits.perMinute, limits.burst);
    if (bucket.fill < TOKEN) return { ok: false, reason: 'rate', waitMs: msUntilToken(bucket, limits.perMinute) };
  }
  if (limits.maxConcurrent !== null) {
    const key = { provider: a.provider, model: a.model };
    if (!(await s.slot.get(key))) {
      await s.newSlot.run(key);
      await s.slot.get(key);
    }
    const row = await s.inFlightOthers.get({ ...key, jobId: a.taskKey.jobId, n: a.taskKey.n });
    if (Number(row?.c ?? 0) >= limits.maxConcurrent) return { ok: false, reason: 'concurrency', waitMs: limits.retryMs };
    await s.useSlot.run({ ...key, now: a.now });
  }
  if (bucket) await s.setBucket.run({ provider: a.provider, fill: bucket.fill - TOKEN, at: bucket.refilledAt });
  return { ok: true };
}

/** Admits tasks against the tier's limits inside the caller's intent transaction (`admit`'s contract). */
export type Admitter = (q: Queryable, a: AdmitRequest) => Promise<Admission>;

/**
 * The tier's limits for a data dir's only runner (SQLite, QueueLock): no other process admits tasks, so
 * the token bucket lives in this process's memory (full at start, as it would be after any pause of a
 * minute) and the concurrency limit is counted from the queue's own rows, which are the truth across
 * restarts. One statement per admission instead of five (`admit` locks and writes the bucket and slot
 * rows that workers on other machines share). A token is taken when the body admits, before its commit:
 * a body rolled back afterwards (a lost lease) wastes that token, never mints one, so the rate holds.
 */
export function localAdmitter(): Admitter {
  const buckets = new Map<string, BucketState>();
  return async (q, a) => {
    const limits = checked(a);
    if (limits.perMinute !== null) {
      const bucket = refill(buckets.get(a.provider) ?? { fill: limits.burst * TOKEN, refilledAt: a.now }, a.now, limits.perMinute, limits.burst);
      buckets.set(a.provider, bucket);
      if (bucket.fill < TOKEN) return { ok: false, reason: 'rate', waitMs: msUntilToken(bucket, limits.perMinute) };
    }
    if (limits.maxConcurrent !== null) {
      const row = await bindAll(q, sql).inFlightOthers.get({ provider: a.provider, model: a.model, jobId: a.taskKey.jobId, n: a.taskKey.n });
      if (Number(row?.c ?? 0) >= limits.maxConcurrent) return { ok: false, reason: 'concurrency', waitMs: limits.retryMs };
    }
    // Read again after the await: another body of the same group commit may have taken a token meanwhile.
    if (limits.perMinute !== null) {
      const now = buckets.get(a.provider)!;
      if (now.fill < TOKEN) return { ok: false, reason: 'rate', waitMs: msUntilToken(now, limits.perMinute) };
      buckets.set(a.provider, { fill: now.fill - TOKEN, refilledAt: now.refilledAt });
    }
    return { ok: true };
  };
}

/**
 * The limits one admission applies, from the plan in force: its rate (`rate_limits`; Runway sets no
 * requests per minute, so no bucket) and at most `concurrency.max` tasks of a model in flight, or fewer
 * when the provider reports a lower limit for the model (Runway's tier: per model and organization).
 */
export function tierLimits(
  plan: Pick<PlanConfig, 'rate_limits' | 'concurrency'>,
  reportedForModel: number | null = null,
): Pick<AdmitRequest, 'perMinute' | 'burst' | 'maxConcurrent'> {
  const max = plan.concurrency.max;
  return {
    perMinute: plan.rate_limits.requests_per_minute,
    burst: plan.rate_limits.burst,
    maxConcurrent: reportedForModel === null ? max : Math.max(0, Math.min(max, Math.floor(reportedForModel))),
  };
}

/** Tasks of a provider's model in flight now, across every worker (intent written or submitted). */
export async function inFlight(q: Queryable, provider: string, model: string): Promise<number> {
  return Number((await bindAll(q, sql).inFlight.get({ provider, model }))?.c ?? 0);
}

/** A provider's bucket as it would be at `now` (whole tokens available), or null before its first admission. */
export async function bucketView(q: Queryable, a: { provider: string; now: number; perMinute: number; burst?: number }): Promise<{ tokens: number; capacity: number } | null> {
  const burst = a.burst ?? 1;
  const row = await bindAll(q, sql).peekBucket.get({ provider: a.provider });
  if (!row) return null;
  const b = refill({ fill: Number(row.fill), refilledAt: Number(row.refilled_at) }, a.now, a.perMinute, burst);
  return { tokens: Math.floor(b.fill / TOKEN), capacity: burst };
}

/** Admissions counted per provider and model since the database began (a view of who used the tier). */
export async function admissions(q: Queryable): Promise<{ provider: string; model: string; admitted: number; lastAt: number | null }[]> {
  return (await bindAll(q, sql).allSlots.all()).map((r) => ({ provider: r.provider, model: r.model, admitted: Number(r.admitted), lastAt: r.admitted_at === null ? null : Number(r.admitted_at) }));
}

/**
 * The bucket refilled up to `now`: `perMinute` units every ms (`perMinute` tokens a minute), never above
 * `burst` tokens; exact integers. A clock that steps back mints nothing and keeps the later time.
 */
export function refill(b: BucketState, now: number, perMinute: number, burst: number): BucketState {
  const capacity = burst * TOKEN;
  const elapsed = now - b.refilledAt;
  if (elapsed <= 0) return { fill: Math.min(capacity, b.fill), refilledAt: b.refilledAt };
  // Compared before multiplying: a bucket idle for years must not overflow the safe integers.
  if (b.fill >= capacity || elapsed >= Math.ceil((capacity - b.fill) / perMinute)) return { fill: capacity, refilledAt: now };
  return { fill: b.fill + elapsed * perMinute, refilledAt: now };
}

/** Ms until a bucket refilled up to now holds one whole token (0 if it does). */
export function msUntilToken(b: BucketState, perMinute: number): number {
  return b.fill >= TOKEN ? 0 : Math.ceil((TOKEN - b.fill) / perMinute);
}

async function lockedBucket(q: Queryable, provider: string, burst: number, now: number): Promise<BucketState> {
  const s = bindAll(q, sql);
  let row = await s.bucket.get({ provider });
  if (!row) {
    await s.newBucket.run({ provider, fill: burst * TOKEN, at: now });
    row = await s.bucket.get({ provider });
    if (!row) throw new AppError('INTERNAL', `The rate bucket of ${provider} could not be created`, { provider });
  }
  return { fill: Number(row.fill), refilledAt: Number(row.refilled_at) };
}

interface Limits {
  perMinute: number | null;
  burst: number;
  maxConcurrent: number | null;
  retryMs: number;
}

function checked(a: AdmitRequest): Limits {
  const whole = (field: string, v: number, min: number) => {
    if (!Number.isSafeInteger(v) || v < min) {
      throw new AppError('VALIDATION', `${field} must be a whole number of at least ${min} (got ${v}); fix the plan's limits`, { field, value: v });
    }
    return v;
  };
  if (!a.provider) throw new AppError('VALIDATION', 'provider must be named to admit a task', { field: 'provider' });
  if (!a.model) throw new AppError('VALIDATION', 'model must be named to admit a task', { field: 'model' });
  whole('now', a.now, 0);
  return {
    perMinute: a.perMinute === null ? null : whole('perMinute', a.perMinute, 1),
    burst: whole('burst', a.burst ?? 1, 1),
    maxConcurrent: a.maxConcurrent === null ? null : whole('maxConcurrent', a.maxConcurrent, 0),
    retryMs: whole('retryMs', a.retryMs ?? DEFAULT_RETRY_MS, 1),
  };
}
