import { z } from 'zod';
import { isAppError } from '../errors';
import { estimate } from './estimate';
import { listDurations, usableModels } from './modelRules';
import type { EstimateParams } from './params';
import type { PlanConfig } from './planSchema';
import type { Surface } from './pools';
import type { RateCard } from './rateCardSchema';

/**
 * The ways out of a refusal, computed from the rate card: a cheaper model, a shorter clip or fewer
 * variations that would fit, buying credits, or waiting for a reset. Pure.
 */
export const WayOut = z.object({
  kind: z.enum(['cheaper_model', 'shorter_clip', 'fewer_variations', 'buy_credits', 'grant_credits', 'wait_for_reset', 'preview_instead', 'change_plan', 'allowed_value', 'raise_budget', 'explore_off', 'ask_admin']),
  text: z.string(),
  model: z.string().optional(),
  durationSec: z.number().optional(),
  variations: z.number().int().optional(),
  credits: z.number().int().optional(),
  at: z.string().optional(),
  value: z.union([z.string(), z.number()]).optional(),
});
export type WayOut = z.infer<typeof WayOut>;

/** Credits the job would cost on `surface` with these params, or null when the card refuses them. */
export function costOn(params: EstimateParams, card: RateCard, plan: PlanConfig, surface: Surface): number | null {
  try {
    return estimate(params, card, plan).pools[surface] ?? 0;
  } catch (e) {
    // A variant the card refuses is simply not a way out; anything else is a bug and surfaces.
    if (isAppError(e) && e.code === 'VALIDATION') return null;
    throw e;
  }
}

/** Up to two models of the same kind that fit `budget` on `surface`, the priciest (closest in quality) first. */
export function cheaperModels(params: EstimateParams, card: RateCard, plan: PlanConfig, surface: Surface, budget: number): WayOut[] {
  const current = card.models[params.model];
  if (!current) return [];
  const options: { model: string; credits: number; durationSec?: number }[] = [];
  for (const name of usableModels(card)) {
    const m = card.models[name]!;
    if (name === params.model || m.kind !== current.kind || m.unpriced) continue;
    let candidate: EstimateParams = { ...params, model: name };
    if (m.kind === 'video' && m.durations && params.durationSec !== undefined) {
      const fits = listDurations(m.durations).filter((d) => d <= params.durationSec!);
      const d = fits[fits.length - 1];
      if (d === undefined) continue;
      candidate = { ...candidate, durationSec: d };
    }
    if (candidate.ratio !== undefined && !m.ratios.includes(candidate.ratio)) candidate = { ...candidate, ratio: undefined };
    if (candidate.outputFormat !== undefined && m.output_formats && !m.output_formats.includes(candidate.outputFormat)) candidate = { ...candidate, outputFormat: undefined };
    if (candidate.audio && m.audio_credits_per_second === undefined) candidate = { ...candidate, audio: false };
    const credits = costOn(candidate, card, plan, surface);
    if (credits !== null && credits <= budget) options.push({ model: name, credits, ...(candidate.durationSec !== undefined ? { durationSec: candidate.durationSec } : {}) });
  }
  options.sort((a, b) => b.credits - a.credits);
  return options.slice(0, 2).map((o) => ({
    kind: 'cheaper_model' as const,
    text: `use ${o.model} (${o.credits} credits${o.durationSec !== undefined ? ` for ${o.durationSec} s` : ''})`,
    model: o.model,
    credits: o.credits,
    ...(o.durationSec !== undefined ? { durationSec: o.durationSec } : {}),
  }));
}

/** The longest accepted duration shorter than the current one that fits `budget`. */
export function shorterClip(params: EstimateParams, card: RateCard, plan: PlanConfig, surface: Surface, budget: number): WayOut[] {
  const m = card.models[params.model];
  if (!m || m.kind !== 'video' || !m.durations) return [];
  const current = params.durationSec ?? Infinity;
  const shorter = listDurations(m.durations).filter((d) => d < current).reverse();
  for (const d of shorter) {
    const credits = costOn({ ...params, durationSec: d }, card, plan, surface);
    if (credits !== null && credits <= budget) return [{ kind: 'shorter_clip', text: `make it ${d} s (${credits} credits)`, durationSec: d, credits }];
  }
  return [];
}

export function fewerVariations(params: EstimateParams, card: RateCard, plan: PlanConfig, surface: Surface, budget: number): WayOut[] {
  for (let v = params.variations - 1; v >= 1; v--) {
    const credits = costOn({ ...params, variations: v }, card, plan, surface);
    if (credits !== null && credits <= budget) return [{ kind: 'fewer_variations', text: `ask for ${v} variation${v === 1 ? '' : 's'} (${credits} credits)`, variations: v, credits }];
  }
  return [];
}

/** Everything that would make the job fit `budget` credits on `surface`. */
export function fitWaysOut(params: EstimateParams, card: RateCard, plan: PlanConfig, surface: Surface, budget: number): WayOut[] {
  if (params.provider === 'import') return [];
  return [
    ...cheaperModels(params, card, plan, surface, budget),
    ...shorterClip(params, card, plan, surface, budget),
    ...fewerVariations(params, card, plan, surface, budget),
  ];
}

export function buyCredits(plan: PlanConfig, surface: Surface, shortfall: number): WayOut[] {
  const purchase = plan.pools[surface]?.purchase;
  if (!purchase?.allowed) return [];
  const credits = Math.max(shortfall, purchase.min_credits ?? 1);
  return [{ kind: 'buy_credits', text: `buy ${credits} credits${purchase.min_credits ? ` (minimum purchase ${purchase.min_credits})` : ''}`, credits }];
}

/**
 * Ways out of an empty pool besides spending less: buying where the plan allows, topping up the
 * simulator's pretend credits (a grant: they buy nothing), and switching to a plan with more.
 */
export function refill(plan: PlanConfig, surface: Surface, shortfall: number): WayOut[] {
  if (surface === 'local') {
    const credits = Math.max(shortfall, 10_000);
    return [{ kind: 'grant_credits', text: `top up the simulation with ${credits} simulated credits`, credits }];
  }
  return [...buyCredits(plan, surface, shortfall), { kind: 'change_plan', text: 'switch to a plan with more credits' }];
}

export function waitForReset(at: string | null | undefined, what: string): WayOut[] {
  return at ? [{ kind: 'wait_for_reset', text: `wait for the ${what} reset on ${at}`, at }] : [];
}
