import { AppError } from '../../../../shared/errors';
import { listDurations } from '../../../../shared/money/modelRules';
import { pixels, resolutionLines, shortSide } from '../../../../shared/money/pictures';
import type { PlanConfig } from '../../../../shared/money/planSchema';
import type { RateCard } from '../../../../shared/money/rateCardSchema';
import { cmp } from '../insightStats';

/**
 * The quarterly benchmark's ten jobs (docs/sources.md 003): five small previews (≈5 s, the lowest picture, one
 * variation) and five bigger ones (≈10 s, a higher picture, two variations), fitted to what the model
 * and the plan's preview caps allow — each adjustment said in `notes`. Pure: `accepts` asks the
 * provider and the plan whether a job could run.
 */
export interface JobSpec {
  kind: 'small' | 'big';
  durationSec: number;
  ratio: string;
  variations: number;
}

export interface BenchmarkSpec {
  model: string;
  small: JobSpec;
  big: JobSpec;
  notes: string[];
}

export const SMALL_JOBS = 5;
export const BIG_JOBS = 5;
const SMALL_SECONDS = 5;
const BIG_SECONDS = 10;

export type Accepts = (p: { model: string; durationSec: number; ratio: string; variations: number }) => boolean;

function closest(values: readonly number[], target: number): number | undefined {
  return [...values].sort((a, b) => Math.abs(a - target) - Math.abs(b - target) || a - b)[0];
}

export function benchmarkSpec(card: RateCard, plan: PlanConfig, accepts: Accepts, model?: string): BenchmarkSpec {
  const usable = Object.entries(card.models).filter(([, m]) => m.kind === 'video' && !m.unpriced && !m.retired && m.durations);
  if (model !== undefined && !usable.some(([n]) => n === model)) {
    throw new AppError('VALIDATION', `model: ${model} is not a priced, current video model on rate card ${card.rate_card.name}; pick one of ${usable.map(([n]) => n).join(', ')}.`, { field: 'model' });
  }
  const candidates = model !== undefined ? usable.filter(([n]) => n === model) : usable;
  const maxSec = plan.outputs.max_duration_seconds.preview;
  const maxLines = resolutionLines(plan.outputs.max_resolution.preview);
  const refusals: string[] = [];
  for (const [name, m] of candidates) {
    const durations = listDurations(m.durations!).filter((d) => d <= maxSec);
    const small = closest(durations, SMALL_SECONDS);
    const big = closest(durations.filter((d) => d >= (small ?? 0)), BIG_SECONDS);
    const ratios = [...m.ratios].filter((r) => shortSide(r) <= maxLines).sort((a, b) => pixels(a) - pixels(b) || cmp(a, b));
    if (small === undefined || big === undefined || ratios.length === 0) {
      refusals.push(`${name}: nothing fits the plan's preview caps (${maxSec} s, ${plan.outputs.max_resolution.preview})`);
      continue;
    }
    const smallRatio = ratios.find((r) => accepts({ model: name, durationSec: small, ratio: r, variations: 1 }));
    const bigRatio = [...ratios].reverse().find((r) => accepts({ model: name, durationSec: big, ratio: r, variations: 2 }));
    if (!smallRatio || !bigRatio) {
      refusals.push(`${name}: the provider or the plan refuses every picture it lists`);
      continue;
    }
    const notes: string[] = [];
    if (small !== SMALL_SECONDS) notes.push(`small jobs run ${small} s (the model or the plan has no ${SMALL_SECONDS} s)`);
    if (big !== BIG_SECONDS) notes.push(`bigger jobs run ${big} s (the model or the plan has no ${BIG_SECONDS} s)`);
    if (pixels(bigRatio) <= pixels(smallRatio)) notes.push(`${name} accepts no picture above ${smallRatio} here: the bigger jobs differ in length and variations only`);
    return {
      model: name,
      small: { kind: 'small', durationSec: small, ratio: smallRatio, variations: 1 },
      big: { kind: 'big', durationSec: big, ratio: bigRatio, variations: 2 },
      notes,
    };
  }
  throw new AppError('VALIDATION', `model: no model on rate card ${card.rate_card.name} can run the benchmark under plan ${plan.plan.name} (${refusals.join('; ')}).`, { field: 'model' });
}
