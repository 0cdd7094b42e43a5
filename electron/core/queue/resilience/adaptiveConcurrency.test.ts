import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency, concurrencyOptionsFromPlan, type AdaptiveConcurrencyOptions, type ConcurrencyChange } from './adaptiveConcurrency';
import { ManualClock } from '../../../../test/support/testClock';

const MIN = 60_000;
// The seed: start at 2, raise to 5 when p95 < 3 min for 30 min, drop to 1 on 429 spikes or p95 > 10 min.
const seed: AdaptiveConcurrencyOptions = {
  initial: 2,
  min: 1,
  max: 5,
  lowLatencyP95Ms: 3 * MIN,
  sustainMs: 30 * MIN,
  highLatencyP95Ms: 10 * MIN,
  latencyWindowMs: 30 * MIN,
  minSamples: 5,
  spike429Count: 3,
  spikeWindowMs: MIN,
};

function make(over: Partial<AdaptiveConcurrencyOptions> = {}): { c: AdaptiveConcurrency; clock: ManualClock; changes: ConcurrencyChange[] } {
  const clock = new ManualClock(0);
  const changes: ConcurrencyChange[] = [];
  return { c: new AdaptiveConcurrency({ ...seed, ...over }, clock, (x) => changes.push(x)), clock, changes };
}

/** Feeds one fast task per minute for `minutes`. */
function fastFor(c: AdaptiveConcurrency, clock: ManualClock, minutes: number, latency = MIN): void {
  for (let i = 0; i < minutes; i++) {
    clock.advance(MIN);
    c.recordLatency(latency);
  }
}

describe('adaptive concurrency', () => {
  it('starts at the plan value and raises one step per sustained low-latency period, up to max', () => {
    const { c, clock, changes } = make();
    expect(c.limit).toBe(2);
    fastFor(c, clock, 20);
    expect(c.limit).toBe(2); // low, but not for 30 minutes yet
    fastFor(c, clock, 20);
    expect(c.limit).toBe(3);
    fastFor(c, clock, 200);
    expect(c.limit).toBe(5);
    expect(changes.every((x) => x.why === 'low-latency' && x.to === x.from + 1)).toBe(true);
  });

  it('does not raise while p95 is between the low and high marks', () => {
    const { c, clock } = make();
    fastFor(c, clock, 120, 5 * MIN);
    expect(c.limit).toBe(2);
  });

  it('drops to the minimum on a 429 spike, not on a single 429', () => {
    const { c, clock } = make();
    fastFor(c, clock, 100);
    expect(c.limit).toBe(5);
    c.recordRateLimited();
    clock.advance(2 * MIN);
    c.recordRateLimited();
    clock.advance(2 * MIN);
    expect(c.limit).toBe(5);
    c.recordRateLimited();
    c.recordRateLimited();
    c.recordRateLimited();
    expect(c.limit).toBe(1);
  });

  it('drops to the minimum when p95 latency exceeds the high mark', () => {
    const { c, clock, changes } = make({ initial: 3 });
    fastFor(c, clock, 10, 12 * MIN);
    expect(c.limit).toBe(1);
    expect(changes.at(-1)?.why).toBe('high-latency');
  });

  it('never exceeds the provider-reported limit, and follows it when it changes', () => {
    const { c, clock } = make();
    c.setProviderLimit(1);
    expect(c.limit).toBe(1);
    fastFor(c, clock, 300);
    expect(c.limit).toBe(1);
    c.setProviderLimit(3);
    expect(c.limit).toBeLessThanOrEqual(3);
    fastFor(c, clock, 300);
    expect(c.limit).toBe(3);
    c.setProviderLimit(null);
    fastFor(c, clock, 300);
    expect(c.limit).toBe(5);
  });

  it("reads the plan's concurrency section (runway-free: start 1, max 2)", () => {
    const opts = concurrencyOptionsFromPlan({ start: 1, max: 2, raise_when_p95_below_minutes: 3, raise_after_minutes: 30, drop_when_p95_above_minutes: 10 });
    expect(opts).toEqual({ ...seed, initial: 1, max: 2 });
    const clock = new ManualClock(0);
    const c = new AdaptiveConcurrency(opts, clock);
    fastFor(c, clock, 300);
    expect(c.limit).toBe(2);
  });

  it('refuses an initial value outside min..max', () => {
    expect(() => make({ initial: 6 })).toThrow(/initial/);
  });
});
