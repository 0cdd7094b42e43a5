import type { Clock } from '../../ports';

interface Bucket {
  start: number;
  successes: number;
  failures: number;
  samples: number[];
}

export interface WindowStats {
  calls: number;
  failures: number;
  /** failures / calls; 0 when there were no calls. */
  failureRate: number;
  samples: number;
  /** Nearest-rank 95th percentile of the samples; null without samples. */
  p95: number | null;
}

/** Nearest-rank percentile (p in (0, 1]) of unsorted values; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] ?? null;
}

/**
 * A rolling time window split into equal buckets (like opossum's rolling count): outcomes and
 * samples fall out a whole bucket at a time, so an entry stays between windowMs and windowMs + one
 * bucket. Clock-injected, no timers.
 */
export class RollingWindow {
  private readonly buckets: Bucket[] = [];
  private readonly bucketMs: number;
  /** Bumped by every record, clear and eviction: stats are recomputed (samples sorted) only after a change. */
  private version = 0;
  private cached: { version: number; stats: WindowStats } | null = null;
  /**
   * Every sample in the window, kept sorted: a sample is inserted in place (a binary search and one move of
   * the larger ones), and the list is rebuilt only when a bucket falls out — so p95 costs nothing to read.
   * (Sorting the whole window at each new sample cost ~10 µs a job at a few hundred jobs a second.)
   */
  private sorted: number[] = [];

  constructor(
    private readonly windowMs: number,
    bucketCount: number,
    private readonly clock: Clock,
  ) {
    if (!(windowMs > 0)) throw new RangeError('windowMs must be more than 0');
    if (!Number.isInteger(bucketCount) || bucketCount < 1) throw new RangeError('bucketCount must be a whole number ≥ 1');
    this.bucketMs = windowMs / bucketCount;
  }

  recordSuccess(): void {
    this.current().successes++;
    this.version++;
  }

  recordFailure(): void {
    this.current().failures++;
    this.version++;
  }

  recordSample(value: number): void {
    this.current().samples.push(value);
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! <= value) lo = mid + 1;
      else hi = mid;
    }
    this.sorted.splice(lo, 0, value);
    this.version++;
  }

  clear(): void {
    this.buckets.length = 0;
    this.sorted = [];
    this.version++;
  }

  /** Read on every scheduling decision (adaptive concurrency): answered from the last computation until the window changes. */
  stats(): WindowStats {
    this.evict();
    if (this.cached?.version === this.version) return this.cached.stats;
    let successes = 0;
    let failures = 0;
    for (const b of this.buckets) {
      successes += b.successes;
      failures += b.failures;
    }
    const calls = successes + failures;
    const n = this.sorted.length;
    const p95 = n === 0 ? null : this.sorted[Math.max(1, Math.ceil(0.95 * n)) - 1]!;
    const stats = { calls, failures, failureRate: calls === 0 ? 0 : failures / calls, samples: n, p95 };
    this.cached = { version: this.version, stats };
    return stats;
  }

  private current(): Bucket {
    this.evict();
    const now = this.clock.now();
    const start = Math.floor(now / this.bucketMs) * this.bucketMs;
    const last = this.buckets[this.buckets.length - 1];
    if (last && last.start === start) return last;
    const b: Bucket = { start, successes: 0, failures: 0, samples: [] };
    this.buckets.push(b);
    return b;
  }

  private evict(): void {
    const oldest = this.clock.now() - this.windowMs;
    let isSampleGone = false;
    while (this.buckets.length > 0 && this.buckets[0]!.start + this.bucketMs <= oldest) {
      isSampleGone ||= this.buckets.shift()!.samples.length > 0;
      this.version++;
    }
    if (isSampleGone) this.sorted = this.buckets.flatMap((b) => b.samples).sort((a, b) => a - b);
  }
}
