import { z } from 'zod';
import { AppError } from '../errors';
import type { Estimate } from './estimateTypes';
import { limitRefusals } from './limitGuards';
import type { LimitState } from './limits';
import { listDurations } from './modelRules';
import type { EstimateParams } from './params';
import { resolutionLines, shortSide } from './pictures';
import type { PlanConfig } from './planSchema';
import { DRAW_ORDER, poolId, SURFACE_LABEL, type PoolId, type Surface } from './pools';
import type { RateCard } from './rateCardSchema';
import { fitWaysOut, refill, waitForReset, WayOut } from './waysOut';

/**
 * INTERFACE (the queue calls it at submit — keep the name and shape):
 *   guard({ params, estimate, plan, rateCard, state }): GuardVerdict
 * Pure. Checks, in order: release allowed on the plan, the plan's output caps (duration, resolution,
 * formats per artifact class), Explore Mode eligibility, the daily cap, "expensive job refused when less
 * than 10 % of the daily cap is left", the project budget, the limits an admin set (the member's monthly
 * budget and daily cap, the project's daily cap: limitGuards.ts), and the balance of every surface charged.
 * Each refusal names the rule (the plan-config field, or `balance`), the pool, the shortfall and the
 * ways out. `guardError(verdict)` turns refusals into one AppError (INSUFFICIENT_CREDITS when only
 * balances fall short, else POLICY_REFUSED) carrying them in details.refusals.
 */
export const Refusal = z.object({
  rule: z.string(),
  pool: z.string().nullable(),
  shortfall: z.number().int().nullable(),
  message: z.string(),
  /** The member whose limit refused it (budgets.user, budgets.user_daily). */
  member: z.string().optional(),
  /** The limit in credits, for the limits an admin sets. */
  limit: z.number().int().optional(),
  waysOut: z.array(WayOut),
});
export type Refusal = z.infer<typeof Refusal>;

export interface GuardState {
  /** Available credits (posted − reserved) per pool. */
  available: Partial<Record<PoolId, number>>;
  /** Credits captured or reserved today (UTC) per surface. */
  spentToday: Partial<Record<Surface, number>>;
  /** The project's spend so far and its budget (null = none). */
  project?: { id: string; spent: number; budget: number | null };
  /** Next allowance reset per surface (ISO date), when the surface has an allowance. */
  resetsAt: Partial<Record<Surface, string | null>>;
  /** When the daily cap resets (the next UTC midnight, ISO). */
  dayResetsAt: string;
  /** The limits an admin set for the submitting member and the project, with their spend (none = no such limits). */
  limits?: LimitState;
}

export interface GuardInput {
  params: EstimateParams;
  estimate: Estimate;
  plan: PlanConfig;
  rateCard: RateCard;
  state: GuardState;
}

export interface GuardVerdict {
  ok: boolean;
  refusals: Refusal[];
}

export function guard({ params, estimate: est, plan, rateCard: card, state }: GuardInput): GuardVerdict {
  const refusals: Refusal[] = [];
  const surface = est.surface;
  const cost = est.pools[surface] ?? 0;
  const model = card.models[params.model];

  for (const v of est.violations) {
    const base = { rule: v.rule, pool: null, shortfall: null };
    if (v.rule === 'outputs.release_allowed') {
      refusals.push({
        ...base,
        message: `Plan ${plan.plan.name} does not allow release renders.`,
        waysOut: [
          { kind: 'preview_instead', text: 'render it as a preview' },
          { kind: 'change_plan', text: 'switch to a plan that allows release renders' },
        ],
      });
    } else if (v.rule.startsWith('outputs.max_duration_seconds.')) {
      const fits = model?.durations ? listDurations(model.durations).filter((d) => d <= Number(v.limit)) : [];
      const d = fits[fits.length - 1];
      refusals.push({
        ...base,
        message: `Plan ${plan.plan.name} allows ${params.artifactClass} clips up to ${v.limit} s; this one is ${v.value} s.`,
        waysOut: d === undefined ? [] : [{ kind: 'shorter_clip', text: `make it ${d} s`, durationSec: d }],
      });
    } else if (v.rule.startsWith('outputs.max_resolution.')) {
      const ok = (model?.ratios ?? []).filter((r) => shortSide(r) <= resolutionLines(String(v.limit)));
      refusals.push({
        ...base,
        message: `Plan ${plan.plan.name} allows ${params.artifactClass} pictures up to ${v.limit}; this one is ${v.value}.`,
        waysOut: ok.map((r) => ({ kind: 'allowed_value' as const, text: `use ratio ${r}`, value: r })),
      });
    } else if (v.rule.startsWith('outputs.allowed_formats.')) {
      const formats = Array.isArray(v.limit) ? v.limit : [];
      refusals.push({
        ...base,
        message: `Plan ${plan.plan.name} allows ${params.artifactClass} formats ${formats.join(', ')}; not ${v.value}.`,
        waysOut: formats.map((f) => ({ kind: 'allowed_value' as const, text: `use ${f}`, value: f })),
      });
    } else if (v.rule === 'explore_mode') {
      refusals.push({
        ...base,
        message: Array.isArray(v.limit) ? `Explore Mode does not cover ${params.model}; eligible: ${v.limit.join(', ')}.` : `Plan ${plan.plan.name} has no Explore Mode.`,
        waysOut: [{ kind: 'explore_off', text: 'turn Explore Mode off (the job then costs credits)' }],
      });
    }
    // quotas.credits_per_day is checked below against today's spend, with ways out.
  }

  const cap = plan.quotas.credits_per_day;
  if (cap !== null && params.provider !== 'import') {
    const spent = state.spentToday[surface] ?? 0;
    const left = Math.max(0, cap - spent);
    const pools = `${surface}`;
    if (cost > left) {
      refusals.push({
        rule: 'quotas.credits_per_day',
        pool: pools,
        shortfall: cost - left,
        message: `Daily cap: ${cap} credits a day, ${spent} used today, ${left} left; this job needs ${cost}.`,
        waysOut: [...fitWaysOut(params, card, plan, surface, left), ...waitForReset(state.dayResetsAt, 'daily cap')],
      });
    } else if (cost >= plan.budgets.expensive_job_credits && left < plan.budgets.expensive_refused_below_daily_fraction * cap) {
      const fraction = plan.budgets.expensive_refused_below_daily_fraction;
      const below = Math.min(left, plan.budgets.expensive_job_credits - 1);
      refusals.push({
        rule: 'budgets.expensive_refused_below_daily_fraction',
        pool: pools,
        shortfall: Math.ceil(fraction * cap) - left,
        message: `An expensive job (${cost} credits, ≥ ${plan.budgets.expensive_job_credits}) is refused while less than ${Math.round(fraction * 100)} % of the daily cap is left (${left} of ${cap}).`,
        waysOut: [...fitWaysOut(params, card, plan, surface, below), ...waitForReset(state.dayResetsAt, 'daily cap')],
      });
    }
  }

  const project = state.project;
  const budget = project ? (project.budget ?? plan.budgets.project_budget_default) : null;
  if (project && budget !== null && project.spent + est.credits > budget) {
    const left = Math.max(0, budget - project.spent);
    refusals.push({
      rule: 'budgets.project',
      pool: null,
      shortfall: project.spent + est.credits - budget,
      message: `Project budget: ${budget} credits, ${project.spent} spent, ${left} left; this job needs ${est.credits}.`,
      waysOut: [...fitWaysOut(params, card, plan, surface, left - (est.credits - cost)), { kind: 'raise_budget', text: "raise the project's budget" }],
    });
  }

  if (state.limits) refusals.push(...limitRefusals({ params, estimate: est, plan, rateCard: card, limits: state.limits, dayResetsAt: state.dayResetsAt }));

  for (const s of Object.keys(est.pools) as Surface[]) {
    const need = est.pools[s] ?? 0;
    if (need === 0) continue;
    const parts = DRAW_ORDER.map((k) => ({ pool: poolId(s, k), credits: state.available[poolId(s, k)] ?? 0 }));
    const has = parts.reduce((n, p) => n + p.credits, 0);
    if (has >= need) continue;
    const configured = DRAW_ORDER.filter((k) => hasPool(plan, s, k)).map((k) => poolId(s, k));
    const named = configured[configured.length - 1] ?? poolId(s, 'purchased');
    const detail = parts.filter((p) => p.credits > 0 || configured.includes(p.pool)).map((p) => `${p.pool} ${p.credits}`).join(', ');
    refusals.push({
      rule: 'balance',
      pool: named,
      shortfall: need - has,
      message: `Not enough ${SURFACE_LABEL[s]}: this job needs ${need}, ${has} available (${detail || 'no pools'}); short by ${need - has}.`,
      waysOut: [
        ...(s === surface ? fitWaysOut(params, card, plan, surface, has) : []),
        ...refill(plan, s, need - has),
        ...waitForReset(state.resetsAt[s], 'allowance'),
      ],
    });
  }
  return { ok: refusals.length === 0, refusals };
}

function hasPool(plan: PlanConfig, s: Surface, k: (typeof DRAW_ORDER)[number]): boolean {
  const p = plan.pools[s];
  if (!p) return false;
  if (k === 'allowance') return p.allowance !== undefined;
  if (k === 'grant') return p.grants.length > 0;
  return p.purchase.allowed;
}

/** One AppError for a refused verdict: INSUFFICIENT_CREDITS when only balances fall short, else POLICY_REFUSED. */
export function guardError(verdict: GuardVerdict): AppError {
  const first = verdict.refusals[0];
  if (!first) throw new AppError('INTERNAL', 'guardError called for an accepted job');
  const onlyBalance = verdict.refusals.every((r) => r.rule === 'balance');
  const ways = first.waysOut.map((w) => w.text);
  const message = `${first.message}${ways.length ? ` Ways out: ${ways.join('; ')}.` : ''}${verdict.refusals.length > 1 ? ` (+${verdict.refusals.length - 1} more)` : ''}`;
  return new AppError(onlyBalance ? 'INSUFFICIENT_CREDITS' : 'POLICY_REFUSED', message, {
    rule: first.rule,
    pool: first.pool,
    shortfall: first.shortfall,
    ...(first.member !== undefined ? { member: first.member } : {}),
    ...(first.limit !== undefined ? { limit: first.limit } : {}),
    refusals: verdict.refusals,
  });
}
