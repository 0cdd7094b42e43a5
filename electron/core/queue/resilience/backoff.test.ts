import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { ProviderCallError, type RetryVerdict } from '../../providers/provider';
import { backoffCapMs, backoffFromPlan, decideRetry, fullJitterDelayMs, type BackoffPolicy } from './backoff';
import { BreakerOpenError } from './circuitBreaker';
import { RetriesStoppedError, withRetry } from './retry';
import { seededRng } from './rng';
import { ManualClock, manualSleep } from './testClock';

// The seed's plan: initial 500 ms, max 30 s, 6 retries.
const plan: BackoffPolicy = { initialMs: 500, maxMs: 30_000, maxRetries: 6 };

const err = (verdict: RetryVerdict, opts: { status?: number; retryAfterMs?: number; fault?: boolean } = {}): ProviderCallError =>
  new ProviderCallError(`simulated ${verdict}`, { verdict, httpStatus: opts.status, retryAfterMs: opts.retryAfterMs, isProviderFault: opts.fault ?? true });

/** C1: each kind of failure, what the retry loop must do with it. */
const table: { kind: string; error: ProviderCallError; retries: number; minDelay?: number }[] = [
  { kind: 'GET 429 without Retry-After', error: err('retry', { status: 429, fault: false }), retries: 6 },
  { kind: 'GET 429 with Retry-After 2 s', error: err('retry', { status: 429, retryAfterMs: 2000, fault: false }), retries: 6, minDelay: 2000 },
  { kind: 'GET 502', error: err('retry', { status: 502 }), retries: 6 },
  { kind: 'GET 503 with Retry-After 1 s', error: err('retry', { status: 503, retryAfterMs: 1000 }), retries: 6, minDelay: 1000 },
  { kind: 'GET 504', error: err('retry', { status: 504 }), retries: 6 },
  { kind: 'GET timeout', error: err('retry'), retries: 6 },
  { kind: 'create ECONNREFUSED (never left the machine)', error: err('retry'), retries: 6 },
  { kind: 'create DNS failure (never left the machine)', error: err('retry'), retries: 6 },
  { kind: 'create 429 (Runway refused; nothing created)', error: err('retry', { status: 429, fault: false }), retries: 6 },
  { kind: 'create timeout after sending', error: err('unknown'), retries: 0 },
  { kind: 'create 502 after sending', error: err('unknown', { status: 502 }), retries: 0 },
  { kind: 'create connection reset after sending', error: err('unknown'), retries: 0 },
  { kind: '400 invalid parameter', error: err('fatal', { status: 400, fault: false }), retries: 0 },
  { kind: '401 bad key', error: err('fatal', { status: 401, fault: false }), retries: 0 },
  { kind: 'FAILED SAFETY.INPUT.TEXT', error: err('fatal', { fault: false }), retries: 0 },
];

describe('full-jitter backoff (C1)', () => {
  it.each(table)('$kind: $retries retries, every delay within its bound', async ({ error, retries, minDelay }) => {
    for (const seed of [1, 2, 3, 42, 1234]) {
      const clock = new ManualClock();
      const sleep = manualSleep(clock);
      let calls = 0;
      const run = withRetry(
        async () => {
          calls++;
          throw error;
        },
        { policy: plan, rng: seededRng(seed), sleep },
      );
      await expect(run).rejects.toBeInstanceOf(ProviderCallError);
      const thrown = await run.catch((e: unknown) => e);
      // The retry budget holds: never more than maxRetries retries, exactly that many for retryable kinds.
      expect(calls).toBe(retries + 1);
      expect(sleep.delays).toHaveLength(retries);
      if (retries > 0) {
        expect(thrown).toBeInstanceOf(RetriesStoppedError);
        expect((thrown as RetriesStoppedError).reason).toBe('exhausted');
      } else expect(thrown).toBe(error);
      sleep.delays.forEach((d, n) => {
        expect(Number.isInteger(d)).toBe(true);
        const cap = backoffCapMs(plan, n);
        if (minDelay === undefined) {
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(cap);
        } else {
          // Retry-After is a floor; the jitter still never exceeds the cap.
          expect(d).toBeGreaterThanOrEqual(minDelay);
          expect(d).toBeLessThanOrEqual(Math.max(cap, minDelay));
        }
      });
    }
  });

  it('caps grow 500, 1000, 2000 … and stop at max', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 60].map((n) => backoffCapMs(plan, n))).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('is full jitter, not equal jitter: delays spread over the whole [0, cap] range', () => {
    const rng = seededRng(7);
    const samples = Array.from({ length: 4000 }, () => fullJitterDelayMs(plan, 3, rng));
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    expect(Math.min(...samples)).toBeLessThan(4000 * 0.02);
    expect(Math.max(...samples)).toBeGreaterThan(4000 * 0.98);
    expect(mean).toBeGreaterThan(4000 * 0.45);
    expect(mean).toBeLessThan(4000 * 0.55);
  });

  it("reads the plan's backoff; jitter off waits the cap itself", () => {
    const p = backoffFromPlan({ initial_ms: 500, max_ms: 30_000, jitter: false, max_retries: 6 });
    expect(Array.from({ length: 8 }, (_, n) => fullJitterDelayMs(p, n, seededRng(1)))).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(() => backoffFromPlan({ initial_ms: 500, max_ms: 100, jitter: true, max_retries: 6 })).toThrow(/maxMs/);
  });

  it('the same seed gives the same delays', () => {
    const a = seededRng(99);
    const b = seededRng(99);
    const da = Array.from({ length: 7 }, (_, n) => fullJitterDelayMs(plan, n, a));
    const db = Array.from({ length: 7 }, (_, n) => fullJitterDelayMs(plan, n, b));
    expect(da).toEqual(db);
  });

  it('gives up at once on a Retry-After beyond the ceiling', () => {
    const d = decideRetry({ verdict: 'retry', retriesSoFar: 0, retryAfterMs: 3_600_000 }, { ...plan, maxRetryAfterMs: 600_000 }, seededRng(1));
    expect(d).toEqual({ retry: false, reason: 'retry-after-too-long' });
  });

  it('stops on an open breaker and on cancellation without retrying', async () => {
    for (const thrown of [
      new BreakerOpenError({ name: 'runway', state: 'open', reason: 'failure-rate', openedAt: 0, retryAt: 1, failures: { calls: 5, failures: 5, failureRate: 1, samples: 0, p95: null }, queueTime: { calls: 0, failures: 0, failureRate: 0, samples: 0, p95: null }, trippedWindows: 1 }),
      new AppError('CANCELLED', 'stopped'),
    ]) {
      const sleep = manualSleep(new ManualClock());
      let calls = 0;
      await expect(
        withRetry(
          async () => {
            calls++;
            throw thrown;
          },
          { policy: plan, rng: seededRng(1), sleep },
        ),
      ).rejects.toBe(thrown);
      expect(calls).toBe(1);
      expect(sleep.delays).toEqual([]);
    }
  });

  it('returns the value once a retry succeeds', async () => {
    const sleep = manualSleep(new ManualClock());
    let calls = 0;
    const v = await withRetry(
      async () => {
        if (++calls < 3) throw err('retry', { status: 503 });
        return 'ok';
      },
      { policy: plan, rng: seededRng(5), sleep },
    );
    expect(v).toBe('ok');
    expect(sleep.delays).toHaveLength(2);
  });
});
