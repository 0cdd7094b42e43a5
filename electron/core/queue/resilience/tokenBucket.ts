import type { Clock } from '../../ports';

export interface TokenBucketOptions {
  /** Burst: the most starts allowed at once (the plan's `rate_limits.burst`). */
  capacity: number;
  /** Refill rate in tokens per second (the plan's `requests_per_minute` / 60). */
  refillPerSec: number;
}

/**
 * Paces provider submissions. Starts full; in any window of length t at most
 * capacity + refillPerSec·t takes succeed (docs/reliability.md C3). Clock-injected, no timers: callers ask
 * msUntilAvailable() and schedule their own wake-up.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly opts: TokenBucketOptions,
    private readonly clock: Clock,
  ) {
    if (!Number.isFinite(opts.capacity) || opts.capacity < 1) throw new RangeError('capacity (burst) must be at least 1');
    if (!Number.isFinite(opts.refillPerSec) || opts.refillPerSec <= 0) throw new RangeError('refillPerSec must be more than 0');
    this.tokens = opts.capacity;
    this.last = clock.now();
  }

  static fromPlan(rateLimits: { requestsPerMinute: number; burst: number }, clock: Clock): TokenBucket {
    return new TokenBucket({ capacity: rateLimits.burst, refillPerSec: rateLimits.requestsPerMinute / 60 }, clock);
  }

  /** From the plan's `rate_limits` section as in the YAML; null when it sets no requests_per_minute (Runway has none). */
  static fromPlanRateLimits(rateLimits: { requests_per_minute: number | null; burst: number }, clock: Clock): TokenBucket | null {
    if (rateLimits.requests_per_minute === null) return null;
    return TokenBucket.fromPlan({ requestsPerMinute: rateLimits.requests_per_minute, burst: rateLimits.burst }, clock);
  }

  /** Takes n tokens if all are there; otherwise takes none. */
  tryTake(n = 1): boolean {
    this.refill();
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /**
   * Puts back n tokens taken for a request that was never sent (never above the capacity): a take the
   * caller could not use must not count against the provider's rate.
   */
  giveBack(n = 1): void {
    this.refill();
    this.tokens = Math.min(this.opts.capacity, this.tokens + n);
  }

  /** Milliseconds until n tokens will be there (0 if now); Infinity if n exceeds the capacity. */
  msUntilAvailable(n = 1): number {
    if (n > this.opts.capacity) return Infinity;
    this.refill();
    if (this.tokens >= n) return 0;
    let ms = Math.ceil(((n - this.tokens) / this.opts.refillPerSec) * 1000);
    // Rounding can leave refill()'s own sum a hair short of n after exactly ms; wait one more ms then.
    while (this.tokens + (ms / 1000) * this.opts.refillPerSec < n) ms += 1;
    return ms;
  }

  available(): number {
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = now - this.last;
    // A clock that steps back never mints tokens.
    if (elapsed > 0) this.tokens = Math.min(this.opts.capacity, this.tokens + (elapsed / 1000) * this.opts.refillPerSec);
    this.last = Math.max(this.last, now);
  }
}
