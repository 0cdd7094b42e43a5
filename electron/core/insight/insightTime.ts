/**
 * Days and weeks for the dashboards, in UTC: a day is "2026-11-22", a week starts on Monday.
 * Pure; no Date parsing of user input beyond YYYY-MM-DD.
 */
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

export function addDays(day: string, n: number): string {
  return dayOf(dayStartMs(day) + n * DAY_MS);
}

/** The Monday (UTC) of the week holding this day. */
export function weekStartOf(day: string): string {
  const dow = new Date(dayStartMs(day)).getUTCDay();
  return addDays(day, -((dow + 6) % 7));
}

/** Every day in [since, until). */
export function daysIn(since: string, until: string): string[] {
  const out: string[] = [];
  for (let d = since; d < until; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Every week start whose week overlaps [since, until). */
export function weeksIn(since: string, until: string): string[] {
  const out: string[] = [];
  if (since >= until) return out;
  for (let w = weekStartOf(since); w < until; w = addDays(w, 7)) out.push(w);
  return out;
}

/** Whole days from a to b (fractional), b − a. */
export function daysBetween(aMs: number, bMs: number): number {
  return (bMs - aMs) / DAY_MS;
}

/** A real calendar day written YYYY-MM-DD (2026-02-31 is not). */
export function isDay(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(dayStartMs(s)) && dayOf(dayStartMs(s)) === s;
}
