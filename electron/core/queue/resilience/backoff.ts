import type { Rng } from './rng';

/**
 * The plan's `rate_limits.backoff`: `initial_ms`, `max_ms`, `max_retries`. Full jitter (AWS):
 * the n-th retry (0-based) waits random(0, min(maxMs, initialMs·2^n)).
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** Retries after the first try; the (maxRetries+1)-th failure gives up. */
  maxRetries: number;
  /** false: wait the cap itself (plain exponential). Default true (full jitter). */
  jitter?: boolean;
}

/** The plan's `rate_limits.backoff` (snake_case, as in the YAML). */
export interface PlanBackoff {
  initial_ms: number;
  max_ms: number;
  jitter: boolean;
  max_retries: number;
}

export function backoffFromPlan(b: PlanBackoff): BackoffPolicy {
  const p: BackoffPolicy = { initialMs: b.initial_ms, maxMs: b.max_ms, maxRetries: b.max_retries, jitter: b.jitter };
  assertBackoffPolicy(p);
  return p;
}

export function assertBackoffPolicy(p: BackoffPolicy): void {
  const bad = (field: string, why: string): never => {
    throw new RangeError(`backoff.${field}: ${why}`);
  };
  if (!Number.isFinite(p.initialMs) || p.initialMs <= 0) bad('initialMs', 'must be a positive number of milliseconds');
  if (!Number.isFinite(p.maxMs) || p.maxMs < p.initialMs) bad('maxMs', 'must be at least initialMs');
  if (!Number.isInteger(p.maxRetries) || p.maxRetries < 0) bad('maxRetries', 'must be a whole number ≥ 0');
}

/** The cap for retry number `retryIndex` (0-based): min(maxMs, initialMs·2^retryIndex). */
export function backoffCapMs(policy: BackoffPolicy, retryIndex: number): number {
  // 2^n overflows to Infinity for big n, which min() absorbs.
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, retryIndex));
}

/** A full-jitter delay in [0, cap], whole milliseconds (the cap itself when jitter is off). */
export function fullJitterDelayMs(policy: BackoffPolicy, retryIndex: number, rng: Rng): number {
  const cap = Math.floor(backoffCapMs(policy, retryIndex));
  if (policy.jitter === false) return cap;
  return Math.min(cap, Math.floor(rng() * (cap + 1)));
}
