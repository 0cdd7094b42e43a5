import { describe, expect, it } from 'vitest';
import { backoffCapMs, backoffFromPlan, fullJitterDelayMs, type BackoffPolicy } from './backoff';
import { seededRng } from './rng';

// Source 003's plan (docs/sources.md): initial 500 ms, max 30 s, 6 retries.
const plan: BackoffPolicy = { initialMs: 500, maxMs: 30_000, maxRetries: 6 };

describe('full-jitter backoff (C1)', () => {
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
});
