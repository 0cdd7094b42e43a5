import type { Clock } from '../../ports';
import { RollingWindow } from './rollingWindow';

export interface AdaptiveConcurrencyOptions {
  /** The plan's `quotas.max_concurrent_jobs` (docs/sources.md 003 starts at 2). */
  initial: number;
  /** Where a 429 spike or slow p95 drops it to (source 003: 1). */
  min: number;
  /** The most it raises itself to (source 003: 5). The provider's reported limit caps it further. */
  max: number;
  /** Raise by one when p95 latency (queue + run) has stayed below this for sustainMs (source 003: 3 minutes for 30 minutes). */
  lowLatencyP95Ms: number;
  sustainMs: number;
  /** Drop to min when p95 latency exceeds this (source 003: 10 minutes). */
  highLatencyP95Ms: number;
  /** The window p95 latency is measured over. */
  latencyWindowMs: number;
  /** Samples the window needs before p95 means anything. */
  minSamples: number;
  /** A 429 spike: this many 429s within spikeWindowMs. */
  spike429Count: number;
  spikeWindowMs: number;
}

/** The plan's `concurrency` section (snake_case, as in the YAML). */
export interface PlanConcurrency {
  start: number;
  max: number;
  raise_when_p95_below_minutes: number;
  raise_after_minutes: number;
  drop_when_p95_above_minutes: number;
}

/**
 * Options from the plan. The plan has no fields yet for what a 429 spike is or the floor; these
 * come from `extra` with source 003's reading (docs/sources.md) as defaults (3 429s within a minute; floor 1; p95 over
 * the raise period, from at least 5 samples).
 */
export function concurrencyOptionsFromPlan(
  c: PlanConcurrency,
  extra: Partial<Pick<AdaptiveConcurrencyOptions, 'min' | 'minSamples' | 'spike429Count' | 'spikeWindowMs' | 'latencyWindowMs'>> = {},
): AdaptiveConcurrencyOptions {
  const MIN = 60_000;
  return {
    initial: c.start,
    min: extra.min ?? 1,
    max: c.max,
    lowLatencyP95Ms: c.raise_when_p95_below_minutes * MIN,
    sustainMs: c.raise_after_minutes * MIN,
    highLatencyP95Ms: c.drop_when_p95_above_minutes * MIN,
    latencyWindowMs: extra.latencyWindowMs ?? c.raise_after_minutes * MIN,
    minSamples: extra.minSamples ?? 5,
    spike429Count: extra.spike429Count ?? 3,
    spikeWindowMs: extra.spikeWindowMs ?? MIN,
  };
}

export type ConcurrencyChange = { from: number; to: number; why: 'low-latency' | '429-spike' | 'high-latency' | 'provider-limit' };

/**
 * How many provider tasks may run at once. Starts at the plan's value, raises itself one step each
 * time p95 latency stays low for the sustain period, drops to the minimum on a 429 spike or a slow
 * p95, and never exceeds the provider's reported limit. Clock-injected, no timers.
 */
export class AdaptiveConcurrency {
  private current: number;
  private providerLimit: number | null = null;
  private lowSince: number | null = null;
  private readonly latency: RollingWindow;
  private readonly rateLimited: RollingWindow;

  constructor(
    private readonly opts: AdaptiveConcurrencyOptions,
    private readonly clock: Clock,
    private readonly onChange?: (c: ConcurrencyChange) => void,
  ) {
    if (!Number.isInteger(opts.min) || opts.min < 1) throw new RangeError('min must be a whole number ≥ 1');
    if (!Number.isInteger(opts.max) || opts.max < opts.min) throw new RangeError('max must be a whole number ≥ min');
    if (!Number.isInteger(opts.initial) || opts.initial < opts.min || opts.initial > opts.max) throw new RangeError('initial must be a whole number between min and max');
    if (!(opts.lowLatencyP95Ms < opts.highLatencyP95Ms)) throw new RangeError('lowLatencyP95Ms must be below highLatencyP95Ms');
    this.current = opts.initial;
    this.latency = new RollingWindow(opts.latencyWindowMs, 10, clock);
    this.rateLimited = new RollingWindow(opts.spikeWindowMs, 10, clock);
  }

  /** The number of tasks allowed in flight now. */
  get limit(): number {
    this.evaluate();
    return this.capped(this.current);
  }

  /** The queue + run latency of a task that finished. */
  recordLatency(ms: number): void {
    this.latency.recordSample(ms);
    this.evaluate();
  }

  /** A 429 from the provider. */
  recordRateLimited(): void {
    this.rateLimited.recordFailure();
    if (this.rateLimited.stats().failures >= this.opts.spike429Count) {
      this.rateLimited.clear();
      this.set(this.opts.min, '429-spike');
      this.lowSince = null;
    }
  }

  /** The provider's reported maxConcurrentGenerations for the model (null = unlimited/unknown). */
  setProviderLimit(limit: number | null): void {
    const before = this.limit;
    this.providerLimit = limit === null ? null : Math.max(0, Math.floor(limit));
    const after = this.limit;
    if (after !== before) this.onChange?.({ from: before, to: after, why: 'provider-limit' });
  }

  private evaluate(): void {
    const s = this.latency.stats();
    const now = this.clock.now();
    if (s.samples < this.opts.minSamples || s.p95 === null) {
      this.lowSince = null;
      return;
    }
    if (s.p95 > this.opts.highLatencyP95Ms) {
      this.lowSince = null;
      this.set(this.opts.min, 'high-latency');
      return;
    }
    if (s.p95 >= this.opts.lowLatencyP95Ms) {
      this.lowSince = null;
      return;
    }
    if (this.lowSince === null) {
      this.lowSince = now;
      return;
    }
    if (now - this.lowSince >= this.opts.sustainMs) {
      this.lowSince = now;
      // Raising past the provider's limit would not let more run; hold at the limit instead.
      if (this.capped(this.current + 1) > this.capped(this.current)) this.set(this.current + 1, 'low-latency');
    }
  }

  private capped(n: number): number {
    const withMax = Math.min(n, this.opts.max);
    return this.providerLimit === null ? withMax : Math.min(withMax, this.providerLimit);
  }

  private set(n: number, why: ConcurrencyChange['why']): void {
    const next = Math.max(this.opts.min, Math.min(this.opts.max, n));
    if (next === this.current) return;
    const from = this.capped(this.current);
    this.current = next;
    const to = this.capped(next);
    if (from !== to) this.onChange?.({ from, to, why });
  }
}
