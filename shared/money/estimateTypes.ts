import { z } from 'zod';
import { ProviderId } from './params';
import { Surface } from './pools';

/**
 * What the estimator returns. These shapes are part of the `circletake estimate` CLI contract:
 * `{credits, usd, pools, factors:[{name,from,to,multiplier}], violations:[{rule,limit,value}]}`
 * (plus `multiplier` and `warning` with --against). Added fields: surface, provider, model, plan, rateCard.
 */
export const FactorValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);
export type FactorValue = z.infer<typeof FactorValue>;

/**
 * One step of the cost chain. In an estimate, `from` is the neutral value (1 s, 1 variation, no audio,
 * the base picture…) and `to` this job's; the product of all multipliers is the unrounded credits.
 * In a comparison, `from` and `to` are the two jobs' values and `multiplier` the change it causes.
 */
export const Factor = z.object({
  name: z.string(),
  from: FactorValue,
  to: FactorValue,
  multiplier: z.number(),
});
export type Factor = z.infer<typeof Factor>;

/** A plan cap the job breaks: `rule` is the plan-config field (e.g. outputs.max_duration_seconds.preview). */
export const Violation = z.object({
  rule: z.string(),
  limit: z.union([z.number(), z.string(), z.boolean(), z.array(z.string()), z.null()]),
  value: z.union([z.number(), z.string(), z.boolean(), z.null()]),
});
export type Violation = z.infer<typeof Violation>;

export const Estimate = z.object({
  /** Total integer credits across surfaces. */
  credits: z.number().int().min(0),
  /** Dollars, when every surface charged has a known price per credit; else null. */
  usd: z.number().nullable(),
  /** Credits per surface charged (web | api | platform | local); the ledger splits each across that surface's pools. */
  pools: z.partialRecord(Surface, z.number().int().min(0)),
  factors: z.array(Factor),
  violations: z.array(Violation),
  surface: Surface,
  provider: ProviderId,
  model: z.string(),
  plan: z.string(),
  rateCard: z.string(),
});
export type Estimate = z.infer<typeof Estimate>;

export const Comparison = z.object({
  /** b.credits / a.credits (1 when both are free); null when a is free and b is not. */
  multiplier: z.number().nullable(),
  /** Factors whose value differs between a and b, with the change each causes. */
  factors: z.array(Factor),
  /** Set when the multiplier reaches the plan's warnings.multiplier_factor: "×8 — duration 5 → 10 ×2, …". */
  warning: z.string().nullable(),
});
export type Comparison = z.infer<typeof Comparison>;
