import type { CalibrationGroup, EstimateRow } from '../../../shared/contract/insightTypes';
import type { AttemptRow } from './insightRows';
import { cmp, parseOutputSpec, pushTo, round } from './insightStats';

/**
 * Estimate vs actual, and the effective credits per second learned from what attempts really cost.
 *
 * What one successful attempt cost (`observedCost`):
 * - the balance delta, credits_before − credits_after, when both were read, the balance moved, and no
 *   other attempt on the same provider was in flight meanwhile (its spend would be in the delta);
 * - else the cost the provider reported (credits_charged).
 * A balance that did not move while the provider reported a cost says the pool is charged later (the
 * simulator's pool is settled by the ledger after the attempt): the reported cost is used.
 */
export interface Observed {
  attempt: AttemptRow;
  cost: number;
  source: 'balance' | 'reported';
  seconds: number | null;
  resolution: string;
}

/** Ids of attempts whose [started, finished] overlaps another attempt's on the same provider. */
export function overlapping(attempts: readonly AttemptRow[]): Set<number> {
  const out = new Set<number>();
  const byProvider = new Map<string, AttemptRow[]>();
  for (const a of attempts) {
    if (a.status === 'cache_hit' || a.finishedAt === null) continue;
    pushTo(byProvider, a.provider, a);
  }
  for (const list of byProvider.values()) {
    const sorted = [...list].sort((a, b) => a.startedAt - b.startedAt || a.id - b.id);
    let open: AttemptRow | null = null;
    for (const a of sorted) {
      if (open && a.startedAt < open.finishedAt!) {
        out.add(a.id);
        out.add(open.id);
      }
      if (!open || a.finishedAt! > open.finishedAt!) open = a;
    }
  }
  return out;
}

export function observedCosts(attempts: readonly AttemptRow[]): Observed[] {
  const busy = overlapping(attempts);
  const out: Observed[] = [];
  for (const a of attempts) {
    if (a.status !== 'ok') continue;
    const { seconds, resolution } = parseOutputSpec(a.outputSpec);
    const delta = a.creditsBefore !== null && a.creditsAfter !== null ? a.creditsBefore - a.creditsAfter : null;
    if (delta !== null && delta > 0 && !busy.has(a.id)) out.push({ attempt: a, cost: delta, source: 'balance', seconds, resolution });
    else if (a.creditsCharged !== null) out.push({ attempt: a, cost: a.creditsCharged, source: 'reported', seconds, resolution });
  }
  return out;
}

interface Acc {
  provider: string;
  model: string;
  resolution: string;
  samples: number;
  seconds: number;
  estimated: number;
  estimatedTimed: number;
  actual: number;
  actualTimed: number;
  absErr: number;
  absErrN: number;
  fromBalance: number;
  fromReported: number;
}

function accumulate(obs: readonly Observed[], keyOf: (o: Observed) => string, resolutionOf: (o: Observed) => string): Acc[] {
  const groups = new Map<string, Acc>();
  for (const o of obs) {
    if (o.attempt.creditsEstimated === null) continue;
    const key = keyOf(o);
    const g = groups.get(key) ?? {
      provider: o.attempt.provider, model: o.attempt.model, resolution: resolutionOf(o), samples: 0, seconds: 0, estimated: 0,
      estimatedTimed: 0, actual: 0, actualTimed: 0, absErr: 0, absErrN: 0, fromBalance: 0, fromReported: 0,
    };
    const est = o.attempt.creditsEstimated;
    g.samples++;
    g.estimated += est;
    g.actual += o.cost;
    if (o.seconds !== null) {
      g.seconds += o.seconds;
      g.estimatedTimed += est;
      g.actualTimed += o.cost;
    }
    if (o.cost > 0) {
      g.absErr += Math.abs(est - o.cost) / o.cost;
      g.absErrN++;
    }
    if (o.source === 'balance') g.fromBalance++;
    else g.fromReported++;
    groups.set(key, g);
  }
  return [...groups.values()];
}

const perSecond = (credits: number, seconds: number) => (seconds > 0 ? round(credits / seconds, 2) : null);

/** Estimator error and learned rates by provider, model and output picture. */
export function estimateRows(attempts: readonly AttemptRow[]): EstimateRow[] {
  const obs = observedCosts(attempts);
  return accumulate(obs, (o) => `${o.attempt.provider}\u0000${o.attempt.model}\u0000${o.resolution}`, (o) => o.resolution)
    .map((g) => ({
      provider: g.provider,
      model: g.model,
      resolution: g.resolution,
      samples: g.samples,
      seconds: g.seconds,
      estimated: g.estimated,
      actual: g.actual,
      error: g.actual === 0 ? null : round((g.estimated - g.actual) / g.actual),
      meanAbsError: g.absErrN === 0 ? null : round(g.absErr / g.absErrN),
      cardCreditsPerSecond: perSecond(g.estimatedTimed, g.seconds),
      learnedCreditsPerSecond: perSecond(g.actualTimed, g.seconds),
      fromBalance: g.fromBalance,
      fromReported: g.fromReported,
    }))
    .sort((a, b) => cmp(a.provider, b.provider) || cmp(a.model, b.model) || cmp(a.resolution, b.resolution));
}

/** Calibration groups of one provider and model: every resolution together ('*'), then each. */
export function calibrationGroups(attempts: readonly AttemptRow[], provider: string, model: string): { overall: CalibrationGroup; groups: CalibrationGroup[] } {
  const obs = observedCosts(attempts).filter((o) => o.attempt.provider === provider && o.attempt.model === model && o.seconds !== null);
  const toGroup = (g: Acc): CalibrationGroup => {
    const card = perSecond(g.estimatedTimed, g.seconds);
    const learned = perSecond(g.actualTimed, g.seconds);
    return { resolution: g.resolution, samples: g.samples, cardCreditsPerSecond: card, learnedCreditsPerSecond: learned, factor: g.estimatedTimed > 0 ? round(g.actualTimed / g.estimatedTimed) : null };
  };
  const all = accumulate(obs, () => '*', () => '*')[0];
  const overall = all ? toGroup(all) : { resolution: '*', samples: 0, cardCreditsPerSecond: null, learnedCreditsPerSecond: null, factor: null };
  const groups = accumulate(obs, (o) => o.resolution, (o) => o.resolution).map(toGroup).sort((a, b) => cmp(a.resolution, b.resolution));
  return { overall, groups };
}

/** Every provider and model with successful timed attempts. */
export function calibratedModels(attempts: readonly AttemptRow[]): { provider: string; model: string }[] {
  const seen = new Map<string, { provider: string; model: string }>();
  for (const o of observedCosts(attempts)) if (o.seconds !== null) seen.set(`${o.attempt.provider}\u0000${o.attempt.model}`, { provider: o.attempt.provider, model: o.attempt.model });
  return [...seen.values()].sort((a, b) => cmp(a.provider, b.provider) || cmp(a.model, b.model));
}

