import { describe, expect, it } from 'vitest';
import { IDLE, onJobChanged, type BatchState } from './batchProgress';

describe('batch progress', () => {
  it('tracks a batch, shows its share done, and notifies once when the last job ends', () => {
    let s: BatchState = IDLE;
    const step = (id: string, status: string) => {
      const u = onJobChanged(s, { id, status });
      s = u.state;
      return u;
    };
    expect(step('a', 'queued').progress).toBe(0);
    expect(step('b', 'running').progress).toBe(0);
    expect(step('a', 'succeeded')).toMatchObject({ progress: 0.5, notice: null });
    const end = step('b', 'failed');
    expect(end.progress).toBe(-1);
    expect(end.notice?.body).toBe('2 jobs done, 1 failed or cancelled.');
    // A job the batch never saw start (e.g. a cache hit) does not notify.
    expect(step('c', 'succeeded')).toMatchObject({ progress: -1, notice: null });
  });
});
