import { ProviderCallError } from '../../providers/provider';
import { decideRetry, type BackoffPolicy, type GiveUpReason } from './backoff';
import { BreakerOpenError } from './circuitBreaker';
import type { Rng } from './rng';
import type { Sleep } from './sleep';

export interface RetryEvent {
  retryIndex: number;
  delayMs: number;
  error: ProviderCallError;
}

export interface WithRetryOptions {
  policy: BackoffPolicy;
  rng: Rng;
  sleep: Sleep;
  signal?: AbortSignal;
  onRetry?: (e: RetryEvent) => void;
}

/** Thrown when retries stop for a reason other than a fatal error; `cause` is the last error. */
export class RetriesStoppedError extends ProviderCallError {
  override name = 'RetriesStoppedError';
  readonly reason: GiveUpReason;
  readonly attempts: number;
  constructor(last: ProviderCallError, reason: GiveUpReason, attempts: number) {
    super(`${last.message} (gave up after ${attempts} tries: ${reason})`, {
      verdict: last.verdict,
      code: last.code,
      httpStatus: last.httpStatus,
      retryAfterMs: last.retryAfterMs,
      isProviderFault: last.isProviderFault,
      details: { ...last.details, reason, attempts },
      cause: last,
    });
    this.reason = reason;
    this.attempts = attempts;
  }
}

/**
 * Runs `fn` and retries it with full-jitter backoff while it throws ProviderCallError with
 * verdict 'retry'. For idempotent calls (GET, poll, DELETE, download): a create must not go
 * through here unless its error verdicts follow the create rule (only 'retry' when nothing left
 * the machine). Any other error — fatal, unknown, BreakerOpenError, CANCELLED, a bug — is rethrown at
 * once, so retries wrap the breaker and stop on an open breaker.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: WithRetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (e instanceof BreakerOpenError || !(e instanceof ProviderCallError)) throw e;
      const d = decideRetry({ verdict: e.verdict, retriesSoFar: attempt, retryAfterMs: e.retryAfterMs }, opts.policy, opts.rng);
      if (!d.retry) {
        if (d.reason === 'fatal' || d.reason === 'unknown') throw e;
        throw new RetriesStoppedError(e, d.reason, attempt + 1);
      }
      opts.onRetry?.({ retryIndex: d.retryIndex, delayMs: d.delayMs, error: e });
      await opts.sleep(d.delayMs, opts.signal);
    }
  }
}
