import type { Clock } from '../../ports';
import { percentile, type WindowStats } from './rollingWindow';

interface Slot {
  index: number;
  successes: number;
  failures: number;
  samples: number[];
}

/**
 * Back-to-back (tumbling) windows of equal length, aligned to the clock, keeping the last `keep`
 * of them: for "a threshold held for N consecutive windows". Clock-injected, no timers.
 */
export class WindowSeries {
  private readonly slots: Slot[] = [];

  constructor(
    readonly windowMs: number,
    private readonly keep: number,
    private readonly clock: Clock,
  ) {
    if (!(windowMs > 0)) throw new RangeError('windowMs must be more than 0');
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError('keep must be a whole number ≥ 1');
  }

  currentIndex(): number {
    return Math.floor(this.clock.now() / this.windowMs);
  }

  recordSuccess(): void {
    this.slot().successes++;
  }

  recordFailure(): void {
    this.slot().failures++;
  }

  recordSample(v: number): void {
    this.slot().samples.push(v);
  }

  clear(): void {
    this.slots.length = 0;
  }

  /** Stats of the window `back` windows before the current one (0 = current); empty if none was recorded. */
  stats(back = 0): WindowStats {
    const index = this.currentIndex() - back;
    const s = this.slots.find((x) => x.index === index);
    if (!s) return { calls: 0, failures: 0, failureRate: 0, samples: 0, p95: null };
    const calls = s.successes + s.failures;
    return { calls, failures: s.failures, failureRate: calls === 0 ? 0 : s.failures / calls, samples: s.samples.length, p95: percentile(s.samples, 0.95) };
  }

  private slot(): Slot {
    const index = this.currentIndex();
    let s = this.slots.find((x) => x.index === index);
    if (!s) {
      s = { index, successes: 0, failures: 0, samples: [] };
      this.slots.push(s);
      while (this.slots.length > 0 && this.slots[0]!.index <= index - this.keep) this.slots.shift();
    }
    return s;
  }
}
