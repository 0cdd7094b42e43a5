import type { BudgetForecast, BurnPoint, PlannedWork, PoolForecast } from '../../../shared/contract/insightTypes';
import type { Balances } from '../../../shared/money/ledgerTypes';
import { DRAW_ORDER } from '../../../shared/money/pools';
import type { PoolDayRow, SpendRow } from './insightRows';
import { round } from './insightStats';
import { addDays, dayOf, dayStartMs, daysIn, DAY_MS } from './insightTime';

/**
 * Will the queued and planned work fit each pool before it resets? Pure.
 * - Queued work already holds reservations: it is in `reserved`, and `available` is what is left.
 * - Planned work (the shortlist awaiting finalize, and what the caller lists) is drawn from its
 *   surface's pools in draw order, as a reservation would be.
 * - The pace is the pool's average net spend per day over the last 7 days; the horizon is the pool's
 *   reset (an allowance) or `horizonDays` from now.
 * The burn-down: the pool's posted balance at the end of each past day (from the first day it held
 * credits in the window), today's available, then the projection (planned work taken today, then the pace) to the horizon.
 */
export interface ForecastInput {
  nowMs: number;
  horizonDays: number;
  balances: Balances;
  planned: readonly PlannedWork[];
  /** Spend rows of the last 7 days (for the pace). */
  recentSpend: readonly SpendRow[];
  /** Posted balance changes per pool and day, from `historyFrom` to today. */
  history: readonly PoolDayRow[];
  historyFrom: string;
  budgets: readonly { projectId: string; projectName: string; budget: number; spent: number }[];
}

const PACE_DAYS = 7;

/** Planned credits per pool: each surface's amount drained in draw order; what no pool can hold lands on the last one. */
export function drawPlanned(pools: readonly { pool: string; surface: string; kind: string; available: number }[], planned: readonly PlannedWork[]): Map<string, number> {
  const out = new Map<string, number>();
  const need = new Map<string, number>();
  for (const p of planned) for (const [s, c] of Object.entries(p.surfaces)) need.set(s, (need.get(s) ?? 0) + c);
  for (const [surface, total] of need) {
    const ordered = pools.filter((p) => p.surface === surface).sort((a, b) => DRAW_ORDER.indexOf(a.kind as never) - DRAW_ORDER.indexOf(b.kind as never));
    let left = total;
    ordered.forEach((p, i) => {
      const take = i === ordered.length - 1 ? left : Math.min(left, Math.max(0, p.available));
      out.set(p.pool, (out.get(p.pool) ?? 0) + take);
      left -= take;
    });
  }
  return out;
}

export function poolForecasts(f: ForecastInput): PoolForecast[] {
  const today = dayOf(f.nowMs);
  const planned = drawPlanned(f.balances.pools, f.planned);
  return f.balances.pools.map((p) => {
    const spent7 = f.recentSpend.filter((r) => r.pool === p.pool).reduce((n, r) => n + r.credits, 0);
    const burnPerDay = round(Math.max(0, spent7) / PACE_DAYS, 2);
    const horizonMs = p.resetsAt ? dayStartMs(p.resetsAt) : f.nowMs + f.horizonDays * DAY_MS;
    const daysToHorizon = round(Math.max(0, (horizonMs - f.nowMs) / DAY_MS), 2);
    const mine = planned.get(p.pool) ?? 0;
    const afterPlanned = p.available - mine;
    const projectedLeft = Math.floor(afterPlanned - burnPerDay * daysToHorizon);
    let runsOutOn: string | null = null;
    if (afterPlanned <= 0 && mine > 0) runsOutOn = today;
    else if (burnPerDay > 0 && afterPlanned - burnPerDay * daysToHorizon < 0) runsOutOn = dayOf(f.nowMs + (afterPlanned / burnPerDay) * DAY_MS);
    return {
      pool: p.pool,
      surface: p.surface,
      available: p.available,
      reserved: p.reserved,
      planned: mine,
      burnPerDay,
      resetsAt: p.resetsAt,
      daysToHorizon,
      fits: afterPlanned >= 0,
      projectedLeft,
      fitsAtPace: projectedLeft >= 0,
      runsOutOn,
      burnDown: burnDown({ pool: p.pool, posted: p.posted, available: p.available, planned: mine, burnPerDay, horizonMs, today, history: f.history, historyFrom: f.historyFrom }),
    };
  });
}

function burnDown(a: { pool: string; posted: number; available: number; planned: number; burnPerDay: number; horizonMs: number; today: string; history: readonly PoolDayRow[]; historyFrom: string }): BurnPoint[] {
  const deltas = new Map<string, number>();
  for (const h of a.history) if (h.pool === a.pool) deltas.set(h.day, (deltas.get(h.day) ?? 0) + h.delta);
  // History starts the day before the pool's first movement in the window (a new pool is not drawn as weeks of 0).
  const moved = [...deltas.keys()].filter((d) => d >= a.historyFrom).sort()[0];
  const start = moved && addDays(moved, -1) > a.historyFrom ? addDays(moved, -1) : a.historyFrom;
  const past = daysIn(start, a.today);
  // Posted balance at the end of day d = posted now − what moved after d (today included).
  let after = deltas.get(a.today) ?? 0;
  const points: BurnPoint[] = [];
  for (let i = past.length - 1; i >= 0; i--) {
    points.unshift({ day: past[i]!, credits: a.posted - after, isProjected: false });
    after += deltas.get(past[i]!) ?? 0;
  }
  // The line starts at the pool's first balance: a pool granted in the window does not rise from 0
  // (the days before it held anything are not its history), so a new pool starts at today's balance.
  while (points.length > 0 && points[0]!.credits === 0) points.shift();
  points.push({ day: a.today, credits: a.available, isProjected: false });
  // One point per day that begins before the horizon (a reset at midnight ends the day before).
  let level = a.available - a.planned;
  for (let d = addDays(a.today, 1); dayStartMs(d) < a.horizonMs; d = addDays(d, 1)) {
    level -= a.burnPerDay;
    points.push({ day: d, credits: Math.floor(level), isProjected: true });
  }
  if (points.length === past.length + 1 && a.planned > 0) points.push({ day: a.today, credits: a.available - a.planned, isProjected: true });
  return points;
}

/** Each project with a budget: its spend so far (reservations included), its planned work, and whether both fit. */
export function budgetForecasts(f: ForecastInput): BudgetForecast[] {
  return f.budgets.map((b) => {
    const planned = f.planned.filter((p) => p.projectId === b.projectId).reduce((n, p) => n + p.credits, 0);
    const left = b.budget - b.spent - planned;
    return { projectId: b.projectId, projectName: b.projectName, budget: b.budget, spent: b.spent, planned, left, fits: left >= 0 };
  });
}
