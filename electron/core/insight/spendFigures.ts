import type { ClassKey, SpendDay, SpendWeek, StageKey } from '../../../shared/contract/insightTypes';
import type { SpendRow } from './insightRows';
import { round } from './insightStats';
import { addDays, dayStartMs, daysIn, weeksIn, WEEK_MS } from './insightTime';

/** The cost-volatility threshold: weekly spend moving more than this week to week (docs/sources.md 003). */
export const VOLATILITY_THRESHOLD = 0.3;

const STAGES: readonly StageKey[] = ['generate', 'refine', 'upscale', 'export', 'none'];
const CLASSES: readonly ClassKey[] = ['preview', 'release', 'none'];

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

/** Net spend per day in [since, until), every day present (0 when nothing moved), split by stage and class. */
export function spendByDay(rows: readonly SpendRow[], since: string, until: string): SpendDay[] {
  const byDay = new Map<string, SpendDay>();
  for (const day of daysIn(since, until)) byDay.set(day, { day, credits: 0, byStage: zeros(STAGES), byClass: zeros(CLASSES) });
  for (const r of rows) {
    const d = byDay.get(r.day);
    if (!d) continue;
    d.credits += r.credits;
    d.byStage[r.stage] += r.credits;
    d.byClass[r.artifactClass] += r.credits;
  }
  return [...byDay.values()];
}

/** Net spend by who spent it, most first (then by name); a member is named, a local tag is its own name. */
export function spendByUser(rows: readonly SpendRow[]): { userId: string | null; name: string | null; credits: number }[] {
  const by = new Map<string | null, { userId: string | null; name: string | null; credits: number }>();
  for (const r of rows) {
    const u = by.get(r.userId) ?? { userId: r.userId, name: r.userName ?? r.userId, credits: 0 };
    u.credits += r.credits;
    by.set(r.userId, u);
  }
  return [...by.values()].filter((u) => u.credits !== 0).sort((a, b) => b.credits - a.credits || (a.name ?? '').localeCompare(b.name ?? ''));
}

export function spendTotals(days: readonly SpendDay[]): { credits: number; byStage: Record<StageKey, number>; byClass: Record<ClassKey, number> } {
  const byStage = zeros(STAGES);
  const byClass = zeros(CLASSES);
  let credits = 0;
  for (const d of days) {
    credits += d.credits;
    for (const k of STAGES) byStage[k] += d.byStage[k];
    for (const k of CLASSES) byClass[k] += d.byClass[k];
  }
  return { credits, byStage, byClass };
}

/**
 * Weekly spend and its week-to-week change. A week is complete when it lies wholly inside the range and
 * has ended by `nowMs`; a change is judged (and flagged above 30 %) only between two complete weeks.
 */
export function spendWeeks(days: readonly SpendDay[], since: string, until: string, nowMs: number): SpendWeek[] {
  const out: SpendWeek[] = [];
  let prev: SpendWeek | null = null;
  for (const weekStart of weeksIn(since, until)) {
    const end = addDays(weekStart, 7);
    const credits = days.filter((d) => d.day >= weekStart && d.day < end).reduce((n, d) => n + d.credits, 0);
    const isComplete = weekStart >= since && end <= until && dayStartMs(weekStart) + WEEK_MS <= nowMs;
    const change = prev && prev.isComplete && isComplete && prev.credits !== 0 ? round((credits - prev.credits) / prev.credits) : null;
    const week: SpendWeek = { weekStart, credits, change, isFlagged: change !== null && Math.abs(change) > VOLATILITY_THRESHOLD, isComplete };
    out.push(week);
    prev = week;
  }
  return out;
}
