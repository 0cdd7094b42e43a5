import { AppError, isAppError, type Result } from '../errors';
import type { Estimate, Factor, Violation } from './estimateTypes';
import { checkAudio, checkDuration, checkFormat, checkRatio, defaultDuration, lookupModel } from './modelRules';
import type { EstimateParams } from './params';
import { pixels, resolutionLines, shortSide, tierFor } from './pictures';
import type { PlanConfig } from './planSchema';
import type { Surface } from './pools';
import type { ModelRate, RateCard } from './rateCardSchema';

/**
 * A learned correction the user switched on for one provider and model (electron/core/insight): the
 * provider's own cost is multiplied by it, shown as the `calibration` factor. Never applied silently:
 * the lookup returns null unless the user switched it on.
 */
export interface Calibration {
  multiplier: number;
  label: string;
}
export type CalibrationLookup = (key: { provider: EstimateParams['provider']; model: string; ratio: string | null }) => Calibration | null;

/**
 * INTERFACE (others build on it — keep the name and shape):
 *   estimate(params, rateCard, plan): Estimate
 * Pure. `params` are already parsed (EstimateParams output: defaults applied). Throws AppError('VALIDATION')
 * with a one-line message naming the field for params the card refuses (unknown model → the known ones;
 * a refused duration or ratio → the accepted values; a retired model → its successor). `tryEstimate` returns
 * a Result instead.
 *
 * Cost chain: model rate × audio × resolution (pixel-priced cards) + per-second surcharges, × seconds
 * × variations, + passes (upscale), × Explore Mode (0); plus the plan's platform fee on its own surface.
 * Providers: `runway` charges the plan's surface (web or api); `local` simulates the same prices on the
 * `local` surface; `import` charges the user-entered credits (or the card's price) to the plan's surface.
 * Credits per surface are rounded up to whole credits. `calibrate` (optional) applies a learned rate the
 * user switched on (see Calibration).
 */
export function estimate(params: EstimateParams, rateCard: RateCard, plan: PlanConfig, calibrate?: CalibrationLookup): Estimate {
  const surface: Surface = params.provider === 'local' ? 'local' : plan.plan.surface;
  const factors: Factor[] = [];
  const violations: Violation[] = [];
  let exact: number;

  if (params.provider === 'import' && params.enteredCredits !== undefined) {
    exact = params.enteredCredits;
    factors.push({ name: 'entered', from: null, to: exact, multiplier: exact });
  } else {
    if (params.provider === 'import' && !Object.prototype.hasOwnProperty.call(rateCard.models, params.model)) {
      throw new AppError('VALIDATION', `enteredCredits: model "${params.model}" is not on rate card ${rateCard.rate_card.name}; enter the credits the clip cost`, {
        field: 'enteredCredits',
      });
    }
    const m = lookupModel(rateCard, params.model);
    exact = m.kind === 'video' ? videoCost(params, rateCard, m, factors) : imageCost(params, m, factors);
    exact = passes(params, rateCard, m, exact, factors);
    const cal = calibrate?.({ provider: params.provider, model: params.model, ratio: params.ratio ?? null });
    if (cal && exact > 0) {
      factors.push({ name: 'calibration', from: 'rate card', to: cal.label, multiplier: cal.multiplier });
      exact *= cal.multiplier;
    }
    if (params.explore) {
      const ex = plan.explore_mode;
      if (ex?.enabled && ex.models.includes(params.model)) {
        factors.push({ name: 'explore_mode', from: false, to: true, multiplier: 0 });
        exact = 0;
      } else {
        violations.push({ rule: 'explore_mode', limit: ex?.enabled ? ex.models : false, value: params.model });
      }
    }
    if (params.provider !== 'import') capViolations(params, m, plan, violations);
  }

  const main = roundUp(exact);
  const pools: Estimate['pools'] = { [surface]: main };
  let usd: number | null = surface === 'local' ? null : usdPerCredit(plan, rateCard, surface);
  if (usd !== null) usd *= main;

  const fee = plan.platform_fee;
  if (fee && params.provider !== 'import') {
    const feeCredits = fee.credits * (fee.per === 'variation' ? params.variations : 1);
    factors.push({ name: 'platform_fee', from: 0, to: feeCredits, multiplier: exact > 0 ? (exact + feeCredits) / exact : 1 });
    const feeSurface: Surface = surface === 'local' ? 'local' : 'platform';
    pools[feeSurface] = (pools[feeSurface] ?? 0) + feeCredits;
    if (usd !== null) usd = fee.usd_per_credit === null ? null : usd + feeCredits * fee.usd_per_credit;
  }

  let credits = 0;
  for (const s in pools) credits += pools[s as Surface]!;
  const daily = plan.quotas.credits_per_day;
  if (daily !== null && pools[surface]! > daily && params.provider !== 'import') {
    violations.push({ rule: 'quotas.credits_per_day', limit: daily, value: pools[surface]! });
  }
  return {
    credits,
    usd: usd === null ? null : Math.round(usd * 100) / 100,
    pools,
    factors,
    violations,
    surface,
    provider: params.provider,
    model: params.model,
    plan: plan.plan.name,
    rateCard: rateCard.rate_card.name,
  };
}

export function tryEstimate(params: EstimateParams, rateCard: RateCard, plan: PlanConfig, calibrate?: CalibrationLookup): Result<Estimate> {
  try {
    return { ok: true, value: estimate(params, rateCard, plan, calibrate) };
  } catch (e) {
    if (isAppError(e)) return { ok: false, error: e.toPayload() };
    throw e;
  }
}

/** Whole credits, rounded up (never under-reserve), tolerant of float noise. */
export function roundUp(x: number): number {
  return Math.max(0, Math.ceil(x - 1e-9));
}

function usdPerCredit(plan: PlanConfig, card: RateCard, surface: Surface): number | null {
  const own = plan.pools[surface]?.usd_per_credit;
  return own !== undefined ? own : card.rate_card.usd_per_credit;
}

function videoCost(params: EstimateParams, card: RateCard, m: ModelRate, factors: Factor[]): number {
  const d = params.durationSec ?? defaultDuration(m);
  checkDuration(params.model, m, d);
  const ratio = params.ratio ?? m.ratios[0]!;
  checkRatio(params.model, m, ratio);
  const format = params.outputFormat ?? m.output_formats?.[0] ?? 'mp4';
  if (params.outputFormat !== undefined) checkFormat(params.model, m, format);

  const rate = m.credits_per_second!;
  let unit = rate;
  factors.push({ name: 'model', from: null, to: params.model, multiplier: rate });
  if (params.audio) {
    checkAudio(card, params.model, m);
    factors.push({ name: 'audio', from: false, to: true, multiplier: m.audio_credits_per_second! / rate });
    unit = m.audio_credits_per_second!;
  }
  if (m.pricing === 'per_pixel_second') {
    const base = card.rate_card.base_ratio!;
    const k = pixels(ratio) / pixels(base);
    factors.push({ name: 'resolution', from: base, to: ratio, multiplier: k });
    unit *= k;
  } else {
    factors.push({ name: 'resolution', from: ratio, to: ratio, multiplier: 1 });
  }
  if (m.surcharges) {
    const px = pixels(ratio);
    for (const s of m.surcharges) {
      const applies = s.when_format ? s.when_format.includes(format) : px > s.when_pixels_above!;
      if (!applies) continue;
      factors.push({ name: `surcharge:${s.name}`, from: 0, to: s.credits_per_second, multiplier: (unit + s.credits_per_second) / unit });
      unit += s.credits_per_second;
    }
  }
  factors.push({ name: 'duration', from: 1, to: d, multiplier: d });
  factors.push({ name: 'variations', from: 1, to: params.variations, multiplier: params.variations });
  return unit * d * params.variations;
}

function imageCost(params: EstimateParams, m: ModelRate, factors: Factor[]): number {
  if (params.durationSec !== undefined) {
    throw new AppError('VALIDATION', `durationSec: ${params.model} makes still images; leave durationSec out`, { field: 'durationSec' });
  }
  const ratio = params.ratio ?? m.ratios[0]!;
  checkRatio(params.model, m, ratio);
  if (params.outputFormat !== undefined) checkFormat(params.model, m, params.outputFormat);
  let unit: number;
  const tiers = m.credits_per_image_by_resolution;
  if (tiers) {
    const lowest = tierFor(tiers, '1:1');
    const chosen = tierFor(tiers, ratio);
    factors.push({ name: 'model', from: null, to: params.model, multiplier: lowest.value });
    factors.push({ name: 'resolution', from: lowest.tier, to: chosen.tier, multiplier: chosen.value / lowest.value });
    unit = chosen.value;
  } else {
    unit = m.credits_per_image!;
    factors.push({ name: 'model', from: null, to: params.model, multiplier: unit });
    factors.push({ name: 'resolution', from: ratio, to: ratio, multiplier: 1 });
  }
  factors.push({ name: 'variations', from: 1, to: params.variations, multiplier: params.variations });
  return unit * params.variations;
}

function passes(params: EstimateParams, card: RateCard, m: ModelRate, exact: number, factors: Factor[]): number {
  if (!params.upscale) return exact;
  const pass = card.passes.upscale;
  let added: number | undefined;
  if (pass?.multiplier !== undefined) added = exact * (pass.multiplier - 1);
  else if (m.kind === 'video' && pass?.credits_per_second !== undefined) {
    added = pass.credits_per_second * (params.durationSec ?? defaultDuration(m)) * params.variations;
  } else if (m.kind === 'image' && pass?.credits_per_image !== undefined) added = pass.credits_per_image * params.variations;
  if (added === undefined) {
    throw new AppError('VALIDATION', `upscale: rate card ${card.rate_card.name} has no upscale price for ${m.kind} models; turn upscale off`, {
      field: 'upscale',
    });
  }
  factors.push({ name: 'upscale', from: false, to: true, multiplier: exact > 0 ? (exact + added) / exact : 1 });
  return exact + added;
}

function capViolations(params: EstimateParams, m: ModelRate, plan: PlanConfig, out: Violation[]): void {
  const cls = params.artifactClass;
  const o = plan.outputs;
  if (cls === 'release' && !o.release_allowed) out.push({ rule: 'outputs.release_allowed', limit: false, value: 'release' });
  if (m.kind === 'video') {
    const d = params.durationSec ?? defaultDuration(m);
    const maxD = o.max_duration_seconds[cls];
    if (d > maxD) out.push({ rule: `outputs.max_duration_seconds.${cls}`, limit: maxD, value: d });
  }
  const ratio = params.ratio ?? m.ratios[0]!;
  const cap = o.max_resolution[cls];
  if (shortSide(ratio) > resolutionLines(cap)) out.push({ rule: `outputs.max_resolution.${cls}`, limit: cap, value: `${shortSide(ratio)}p` });
  if (m.kind === 'video' || params.outputFormat !== undefined) {
    const format = params.outputFormat ?? m.output_formats?.[0] ?? 'mp4';
    const allowed = o.allowed_formats[cls];
    if (!allowed.includes(format)) out.push({ rule: `outputs.allowed_formats.${cls}`, limit: allowed, value: format });
  }
}
