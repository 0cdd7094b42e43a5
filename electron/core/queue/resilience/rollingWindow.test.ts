import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/support/core';
import fc from 'fast-check';
import { percentile, RollingWindow } from './rollingWindow';

describe('RollingWindow', () => {
  it('answers stats from its last computation until a record, a clear or an eviction changes the window', () => {
    const clock = new FakeClock(0);
    const w = new RollingWindow(1000, 10, clock);
    for (const v of [10, 20, 30]) w.recordSample(v);
    const first = w.stats();
    expect(first).toMatchObject({ samples: 3, p95: 30 });
    expect(w.stats()).toBe(first); // nothing changed: the same answer, not sorted again
    w.recordSample(500);
    expect(w.stats()).toMatchObject({ samples: 4, p95: 500 });
    w.recordFailure();
    w.recordSuccess();
    expect(w.stats()).toMatchObject({ calls: 2, failures: 1, failureRate: 0.5 });
    // The first bucket (samples 10..500, both calls) falls out a whole bucket after the window.
    clock.advance(1100);
    expect(w.stats()).toMatchObject({ samples: 0, p95: null, calls: 0 });
    w.recordSample(7);
    w.clear();
    expect(w.stats()).toMatchObject({ samples: 0, p95: null });
  });

  it('gives the p95 of exactly the samples still in the window, in any order of records, gaps and clears', () => {
    const step = fc.oneof(
      fc.record({ sample: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ wait: fc.integer({ min: 0, max: 400 }) }),
      fc.constant({ clear: true as const }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const clock = new FakeClock(0);
        const w = new RollingWindow(1000, 10, clock);
        // The reference: every sample with the start of its bucket, dropped a whole bucket after the window.
        let kept: { start: number; v: number }[] = [];
        for (const s of steps) {
          if ('sample' in s) {
            kept.push({ start: Math.floor(clock.now() / 100) * 100, v: s.sample });
            w.recordSample(s.sample);
          } else if ('wait' in s) clock.advance(s.wait);
          else {
            kept = [];
            w.clear();
          }
          kept = kept.filter((k) => k.start + 100 > clock.now() - 1000);
          const stats = w.stats();
          expect(stats.samples).toBe(kept.length);
          expect(stats.p95).toBe(percentile(kept.map((k) => k.v), 0.95));
        }
      }),
      { numRuns: 300 },
    );
  });
});
