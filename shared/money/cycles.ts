import type { SurfacePools } from './planSchema';

/**
 * Allowance cycles. A monthly allowance resets on `reset_day` of every month (UTC); a yearly one on
 * `reset_month`/`reset_day`. Cycles are half-open [start, end) and named by their start date.
 */
export interface Cycle {
  /** "2026-11-01" */
  start: string;
  /** The next cycle's start: when this cycle's unused allowance expires. */
  end: string;
  startMs: number;
  endMs: number;
}

type Allowance = NonNullable<SurfacePools['allowance']>;

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function cycleAt(nowMs: number, a: Allowance): Cycle {
  const now = new Date(nowMs);
  const y = now.getUTCFullYear();
  if (a.cycle === 'month') {
    let startMs = Date.UTC(y, now.getUTCMonth(), a.reset_day);
    if (startMs > nowMs) startMs = Date.UTC(y, now.getUTCMonth() - 1, a.reset_day);
    const s = new Date(startMs);
    const endMs = Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, a.reset_day);
    return { start: iso(startMs), end: iso(endMs), startMs, endMs };
  }
  const month = (a.reset_month ?? 1) - 1;
  let startMs = Date.UTC(y, month, a.reset_day);
  if (startMs > nowMs) startMs = Date.UTC(y - 1, month, a.reset_day);
  const endMs = Date.UTC(new Date(startMs).getUTCFullYear() + 1, month, a.reset_day);
  return { start: iso(startMs), end: iso(endMs), startMs, endMs };
}

/** "2026-11-22" for a time. */
export function dayOf(ms: number): string {
  return iso(ms);
}

/** The next UTC midnight after `ms`, as an ISO timestamp. */
export function nextDayStart(ms: number): string {
  // Asked at every submit: the last day's answer is kept for the rest of that day.
  if (dayMemo && ms >= dayMemo.from && ms < dayMemo.to) return dayMemo.iso;
  const d = new Date(ms);
  const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  dayMemo = { from, to, iso: new Date(to).toISOString() };
  return dayMemo.iso;
}
let dayMemo: { from: number; to: number; iso: string } | null = null;

/** "2026-11" for a time. */
export function monthOf(ms: number): string {
  return iso(ms).slice(0, 7);
}
