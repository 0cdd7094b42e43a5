import type { ExportFailures, LatencyRow, RerenderWeek } from '../../../shared/contract/insightTypes';
import { isFailure, isJudged, isRender, type AttemptRow, type PublishedRow } from './insightRows';
import { cmp, p95, pushTo, round } from './insightStats';
import { addDays, dayOf, dayStartMs, DAY_MS, weeksIn } from './insightTime';

/** Thresholds from the decision framework of docs/sources.md 003. */
export const EXPORT_FAILURE_THRESHOLD = 0.05;
export const EXPORT_WINDOW_MS = 30 * 60_000;
export const RERENDER_THRESHOLD = 2.0;

export function statusCounts(attempts: readonly AttemptRow[]): { total: number; byStatus: Record<string, number> } {
  const byStatus: Record<string, number> = {};
  for (const a of attempts) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
  return { total: attempts.length, byStatus };
}

/**
 * p95 queue time, provider latency and end-to-end latency (queue + latency of the same attempt) by
 * provider, model and status. Cache hits, refused creates and attempts still running are left out:
 * they did not wait in a provider's queue.
 */
export function latencyRows(attempts: readonly AttemptRow[]): LatencyRow[] {
  const groups = new Map<string, AttemptRow[]>();
  for (const a of attempts) {
    if (a.status === 'cache_hit' || a.status === 'retry' || a.status === 'running') continue;
    const key = `${a.provider}\u0000${a.model}\u0000${a.status}`;
    pushTo(groups, key, a);
  }
  const rows: LatencyRow[] = [];
  for (const list of groups.values()) {
    const first = list[0]!;
    const queue = list.flatMap((a) => (a.queueTimeMs === null ? [] : [a.queueTimeMs]));
    const latency = list.flatMap((a) => (a.latencyMs === null ? [] : [a.latencyMs]));
    const e2e = list.flatMap((a) => (a.queueTimeMs === null || a.latencyMs === null ? [] : [a.queueTimeMs + a.latencyMs]));
    rows.push({ provider: first.provider, model: first.model, status: first.status, attempts: list.length, p95QueueMs: p95(queue), p95LatencyMs: p95(latency), p95EndToEndMs: p95(e2e) });
  }
  return rows.sort((a, b) => cmp(a.provider, b.provider) || cmp(a.model, b.model) || cmp(a.status, b.status));
}

/**
 * Export failure rate: release-class attempts (the export stage) that ended in fail, timeout or
 * unknown, over those that ended at all (ok included; canceled ones are neither). Also the worst
 * 30-minute window, windows aligned to :00 and :30 UTC by when the attempt started.
 */
export function exportFailures(attempts: readonly AttemptRow[]): ExportFailures {
  const judged = attempts.filter((a) => a.artifactClass === 'release' && isJudged(a.status));
  const failures = judged.filter((a) => isFailure(a.status)).length;
  const windows = new Map<number, { attempts: number; failures: number }>();
  for (const a of judged) {
    const start = Math.floor(a.startedAt / EXPORT_WINDOW_MS) * EXPORT_WINDOW_MS;
    const w = windows.get(start) ?? { attempts: 0, failures: 0 };
    w.attempts++;
    if (isFailure(a.status)) w.failures++;
    windows.set(start, w);
  }
  let worst: ExportFailures['worstWindow'] = null;
  for (const [start, w] of [...windows].sort((a, b) => a[0] - b[0])) {
    const rate = round(w.failures / w.attempts);
    if (!worst || rate >= worst.rate) worst = { start: new Date(start).toISOString(), attempts: w.attempts, failures: w.failures, rate };
  }
  return { attempts: judged.length, failures, rate: judged.length === 0 ? null : round(failures / judged.length), worstWindow: worst };
}

function rerenderOf(weekStart: string, attempts: number, shipped: number): RerenderWeek {
  const rate = shipped === 0 ? null : round(attempts / shipped);
  return { weekStart, attempts, shipped, rate, isFlagged: rate !== null && rate > RERENDER_THRESHOLD };
}

/**
 * Rerender rate = attempts ÷ shipped assets, per week (Monday, UTC) and over the 7 days before now.
 * Attempts are provider renders (cache hits and refused creates are not); shipped assets are takes
 * published by an export that week. With nothing shipped the rate is null (not flagged: there is no
 * asset to divide by, which the evidence says in words).
 */
export function rerenderWeeks(attempts: readonly AttemptRow[], published: readonly PublishedRow[], since: string, until: string): RerenderWeek[] {
  return weeksIn(since, until).map((w) => {
    const from = Math.max(dayStartMs(w), dayStartMs(since));
    const to = Math.min(dayStartMs(addDays(w, 7)), dayStartMs(until));
    const n = attempts.filter((a) => isRender(a.status) && a.startedAt >= from && a.startedAt < to).length;
    const s = published.filter((p) => p.publishedAt >= from && p.publishedAt < to).length;
    return rerenderOf(w, n, s);
  });
}

export function rerenderLast7Days(attempts: readonly AttemptRow[], published: readonly PublishedRow[], nowMs: number): RerenderWeek {
  const from = nowMs - 7 * DAY_MS;
  const n = attempts.filter((a) => isRender(a.status) && a.startedAt > from && a.startedAt <= nowMs).length;
  const s = published.filter((p) => p.publishedAt > from && p.publishedAt <= nowMs).length;
  return rerenderOf(dayOf(from), n, s);
}
