import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/support/core';
import { RollingWindow } from './rollingWindow';

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
});
