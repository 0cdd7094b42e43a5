import type { ExportFailures, InsightSettings, Recommendation, RerenderWeek, SpendWeek } from '../../../shared/contract/insightTypes';
import type { PlanConfig } from '../../../shared/money/planSchema';
import { resolutionLines } from '../../../shared/money/pictures';
import { EXPORT_FAILURE_THRESHOLD, RERENDER_THRESHOLD } from './attemptFigures';
import { isRender, type AttemptRow } from './insightRows';
import { p95, pushTo } from './insightStats';
import { VOLATILITY_THRESHOLD } from './spendFigures';
import { isWorkingTime, localDayOf, nextWorkingDay } from './workingHours';

/**
 * Seed 003's decision framework, evaluated on the recorded data. Each trigger says whether it fired,
 * the evidence (in words and figures) and the action docs/sources.md 003 pairs with it. Pure.
 */
export const QUEUE_STALL_MS = 10 * 60_000;
export const QUEUE_STALL_DAYS = 2;

export interface RecommendationInput {
  attempts: readonly AttemptRow[];
  weeks: readonly SpendWeek[];
  rerender: RerenderWeek;
  exportFailures: ExportFailures;
  settings: InsightSettings;
  plan: PlanConfig;
  /** Release takes whose auto-check found a watermark (a clean picture was needed). */
  watermarkedReleases: number;
}

/**
 * The least evidence each trigger needs before it may say act: past its threshold on less, it says
 * watch (ordinary exploration is not a cost bug: 11 renders for 2 finals is a shot being found).
 */
export const MIN_SAMPLES = {
  /** Renders started in working hours, over the period. */
  queue_stall: 20,
  /** Release attempts in the worst 30 minutes. */
  export_failures: 10,
  /** Complete weeks with spend (two week-to-week changes). */
  cost_volatility: 3,
  /** Assets shipped in the last 7 days. */
  rerender_rate: 5,
  /** The plan itself. */
  release_blocked: 1,
} as const satisfies Record<Recommendation['id'], number>;

type Judged = Omit<Recommendation, 'level' | 'isTriggered' | 'samples' | 'minSamples' | 'sampleUnit'>;

/** Past the threshold on enough samples: act; on too few: watch, saying how many more it needs; else ok. */
export function judge(r: Judged, isPast: boolean, samples: number, sampleUnit: string): Recommendation {
  const minSamples = MIN_SAMPLES[r.id];
  const level = !isPast ? 'ok' : samples >= minSamples ? 'act' : 'watch';
  const evidence = level === 'watch' ? `${r.evidence} Too little evidence to act on yet: ${samples} of the ${minSamples} ${sampleUnit} this needs.` : r.evidence;
  return { ...r, evidence, level, isTriggered: level === 'act', samples, minSamples, sampleUnit };
}

const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;
const minutes = (ms: number) => `${Math.round(ms / 6000) / 10} min`;

export function queueStall(attempts: readonly AttemptRow[], s: InsightSettings): Recommendation {
  const w = s.workingHours;
  const byDay = new Map<string, number[]>();
  for (const a of attempts) {
    if (!isRender(a.status) || a.queueTimeMs === null || !isWorkingTime(a.startedAt, w)) continue;
    const d = localDayOf(a.startedAt, w);
    pushTo(byDay, d, a.queueTimeMs);
  }
  const days = [...byDay.keys()].sort();
  const stalled = days.filter((d) => (p95(byDay.get(d)!) ?? 0) > QUEUE_STALL_MS);
  let run = 0;
  let best = 0;
  let bestEnd: string | null = null;
  for (let i = 0; i < stalled.length; i++) {
    run = i > 0 && nextWorkingDay(stalled[i - 1]!, w) === stalled[i] ? run + 1 : 1;
    if (run >= best) {
      best = run;
      bestEnd = stalled[i]!;
    }
  }
  const worstDay = days.reduce<{ day: string; p95: number } | null>((m, d) => {
    const v = p95(byDay.get(d)!) ?? 0;
    return !m || v > m.p95 ? { day: d, p95: v } : m;
  }, null);
  const isTriggered = best >= QUEUE_STALL_DAYS;
  const samples = [...byDay.values()].reduce((n, xs) => n + xs.length, 0);
  const evidence =
    days.length === 0
      ? 'No attempts started in working hours in this period.'
      : isTriggered
        ? `p95 queue time was over 10 minutes on ${best} working days in a row, ending ${bestEnd} (${stalled.map((d) => `${d}: ${minutes(p95(byDay.get(d)!)!)}`).join(', ')}).`
        : `${stalled.length} of ${days.length} working days had a p95 queue time over 10 minutes${worstDay ? `; the worst was ${worstDay.day} at ${minutes(worstDay.p95)}` : ''}.`;
  return judge(
    {
      id: 'queue_stall',
      signal: 'Queue stalls iteration',
      threshold: 'p95 queue time > 10 min during work hours for 2 days',
      evidence,
      figures: { workingDays: days.length, stalledDays: stalled.length, longestRun: best, worstDayP95Ms: worstDay?.p95 ?? null },
      action: 'Move heavy work to a nightly batch; reduce variations; if it still blocks, pay (UI or API).',
    },
    isTriggered,
    samples,
    'renders in working hours',
  );
}

export function exportFailureTrigger(f: ExportFailures): Recommendation {
  const w = f.worstWindow;
  const isTriggered = w !== null && w.rate > EXPORT_FAILURE_THRESHOLD;
  // When the worst 30 minutes began is in figures.worstWindowStart: each door shows it in its own local time.
  return judge(
    {
      id: 'export_failures',
      signal: 'Provider degraded on export',
      threshold: 'export failure rate > 5 % over 30 minutes',
      evidence:
        f.attempts === 0
          ? 'No release (export) attempts ended in this period.'
          : `${f.failures} of ${f.attempts} release attempts failed (${pct(f.rate ?? 0)}); the worst 30 minutes had ${w!.failures} of ${w!.attempts} (${pct(w!.rate)}).`,
      figures: { attempts: f.attempts, failures: f.failures, rate: f.rate, worstWindowRate: w?.rate ?? null, worstWindowStart: w?.start ?? null },
      action: 'Assume a degraded provider: postpone release exports, reduce variations, let the circuit breaker hold new work.',
    },
    isTriggered,
    w?.attempts ?? 0,
    'release attempts in the worst 30 minutes',
  );
}

export function volatilityTrigger(weeks: readonly SpendWeek[]): Recommendation {
  const judged = weeks.filter((w) => w.change !== null);
  const last = judged[judged.length - 1];
  const isTriggered = last !== undefined && last.isFlagged;
  return judge(
    {
      id: 'cost_volatility',
      signal: 'Cost volatility',
      threshold: 'weekly spend varies > 30 % week to week',
      evidence: last
        ? `The week of ${last.weekStart} spent ${last.credits} credits, ${last.change! >= 0 ? 'up' : 'down'} ${pct(Math.abs(last.change!))} on the week before.${judged.filter((w) => w.isFlagged).length > 1 ? ` ${judged.filter((w) => w.isFlagged).length} weeks in this period moved more than 30 %.` : ''}`
        : 'Needs two complete weeks with spend to compare.',
      figures: { weekStart: last?.weekStart ?? null, credits: last?.credits ?? null, change: last?.change ?? null, threshold: VOLATILITY_THRESHOLD },
      action: 'Add stricter gating and caching; move to API/service-style enforcement of budgets.',
    },
    isTriggered,
    weeks.filter((w) => w.isComplete && w.credits > 0).length,
    'complete weeks with spend',
  );
}

export function rerenderTrigger(r: RerenderWeek): Recommendation {
  return judge(
    {
      id: 'rerender_rate',
      signal: 'Wasteful iteration',
      threshold: 'rerender rate > 2.0 attempts per shipped asset over a week',
      evidence:
        r.shipped === 0
          ? `${r.attempts} renders in the last 7 days and nothing shipped: no rate yet.`
          : `${r.attempts} renders for ${r.shipped} shipped asset${r.shipped === 1 ? '' : 's'} in the last 7 days: ${r.rate!.toFixed(2)} per asset.`,
      figures: { attempts: r.attempts, shipped: r.shipped, rate: r.rate, threshold: RERENDER_THRESHOLD },
      action: 'A cost bug: fix gating, defaults or review (acceptance checks, fewer manual reruns).',
    },
    r.isFlagged,
    r.shipped,
    'assets shipped in the last 7 days',
  );
}

export function releaseBlocked(plan: PlanConfig, s: InsightSettings, watermarkedReleases: number): Recommendation {
  const o = plan.outputs;
  const need = s.minReleaseSpec;
  const blocks: string[] = [];
  if (!o.release_allowed) blocks.push(`plan ${plan.plan.name} does not allow release renders`);
  if (o.watermark_release) blocks.push(`plan ${plan.plan.name} watermarks release renders`);
  if (resolutionLines(o.max_resolution.release) < resolutionLines(need.resolution)) blocks.push(`release resolution is capped at ${o.max_resolution.release}, below the ${need.resolution} the work needs`);
  if (o.max_duration_seconds.release < need.durationSec) blocks.push(`release clips are capped at ${o.max_duration_seconds.release} s, below the ${need.durationSec} s the work needs`);
  if (!o.allowed_formats.release.includes(need.format)) blocks.push(`release formats (${o.allowed_formats.release.join(', ')}) leave out ${need.format}`);
  if (watermarkedReleases > 0) blocks.push(`${watermarkedReleases} release take${watermarkedReleases === 1 ? '' : 's'} came back watermarked`);
  return judge(
    {
      id: 'release_blocked',
      signal: 'Watermarks or export caps block release work',
      threshold: `the minimum viable release spec (${need.resolution}, ${need.durationSec} s, ${need.format}) cannot be made clean`,
      evidence: blocks.length > 0 ? `${blocks.join('; ')}.` : `Plan ${plan.plan.name} allows clean release renders at ${o.max_resolution.release}, up to ${o.max_duration_seconds.release} s, in ${o.allowed_formats.release.join(', ')}.`,
      figures: { releaseAllowed: o.release_allowed, watermarkRelease: o.watermark_release, maxResolution: o.max_resolution.release, maxDurationSec: o.max_duration_seconds.release, watermarkedReleases },
      action: 'Pay for UI export or move release work to the API pipeline with explicit budgets; keep previews internal.',
    },
    blocks.length > 0,
    1,
    'active plan',
  );
}

export function recommendations(i: RecommendationInput): Recommendation[] {
  return [queueStall(i.attempts, i.settings), exportFailureTrigger(i.exportFailures), volatilityTrigger(i.weeks), rerenderTrigger(i.rerender), releaseBlocked(i.plan, i.settings, i.watermarkedReleases)];
}
