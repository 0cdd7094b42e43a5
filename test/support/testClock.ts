import type { Clock } from '../../electron/core/ports';

/** Waits `ms` (a fake one advances the clock instead). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A clock tests move by hand, and a sleep that advances it instead of waiting (used by the resilience and queue tests). */
export class ManualClock implements Clock {
  constructor(public t = 0) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export function manualSleep(clock: ManualClock, record: number[] = []): Sleep & { delays: number[] } {
  const sleep = (async (ms: number) => {
    record.push(ms);
    clock.advance(ms);
  }) as Sleep & { delays: number[] };
  sleep.delays = record;
  return sleep;
}
