import type { Estimate } from './estimateTypes';
import type { LimitState } from './limits';
import type { EstimateParams } from './params';
import type { PlanConfig } from './planSchema';
import type { RateCard } from './rateCardSchema';
import { fitWaysOut, waitForReset, type WayOut } from './waysOut';

/** A limit refusal (the same shape as the guard's Refusal, with the member and the limit named). */
export interface LimitRefusal {
  rule: 'budgets.user' | 'budgets.user_daily' | 'budgets.project_daily';
  pool: null;
  shortfall: number;
  message: string;
  member?: string;
  limit: number;
  waysOut: WayOut[];
}

const n = (x: number) => x.toLocaleString('en-US');

/**
 * The limits an admin set (shared/money/limits.ts) against what counts toward them: the member's monthly
 * budget (`budgets.user`), the member's daily cap (`budgets.user_daily`) and the project's daily cap
 * (`budgets.project_daily`). Held and charged credits count, as for the project budget; an import counts
 * toward a budget but not a daily cap (as with the plan's quotas.credits_per_day). Pure.
 */
export function limitRefusals(a: { params: EstimateParams; estimate: Estimate; plan: PlanConfig; rateCard: RateCard; limits: LimitState; dayResetsAt: string }): LimitRefusal[] {
  const { params, estimate: est, plan, rateCard: card, limits } = a;
  const out: LimitRefusal[] = [];
  const need = est.credits;
  if (need === 0) return out;
  const isImport = params.provider === 'import';
  const other = need - (est.pools[est.surface] ?? 0); // fees on other surfaces a cheaper job still pays
  const fit = (left: number) => fitWaysOut(params, card, plan, est.surface, left - other);
  const u = limits.user;
  if (u) {
    const who = u.name ?? u.id;
    const ask: WayOut = { kind: 'ask_admin', text: `ask an admin to raise ${who}'s limit` };
    if (u.monthly !== null && u.spentMonth + need > u.monthly) {
      const left = Math.max(0, u.monthly - u.spentMonth);
      out.push({
        rule: 'budgets.user', pool: null, member: u.id, limit: u.monthly, shortfall: u.spentMonth + need - u.monthly,
        message: `${who}'s monthly budget: ${n(u.monthly)} credits, ${n(u.spentMonth)} used this month, ${n(left)} left; this job needs ${n(need)}.`,
        waysOut: [...fit(left), ...waitForReset(limits.monthResetsAt, 'monthly budget'), ask],
      });
    }
    if (!isImport && u.daily !== null && u.spentToday + need > u.daily) {
      const left = Math.max(0, u.daily - u.spentToday);
      out.push({
        rule: 'budgets.user_daily', pool: null, member: u.id, limit: u.daily, shortfall: u.spentToday + need - u.daily,
        message: `${who}'s daily cap: ${n(u.daily)} credits a day, ${n(u.spentToday)} used today, ${n(left)} left; this job needs ${n(need)}.`,
        waysOut: [...fit(left), ...waitForReset(a.dayResetsAt, 'daily cap'), ask],
      });
    }
  }
  const p = limits.projectDaily;
  if (p && !isImport && p.spentToday + need > p.daily) {
    const left = Math.max(0, p.daily - p.spentToday);
    out.push({
      rule: 'budgets.project_daily', pool: null, limit: p.daily, shortfall: p.spentToday + need - p.daily,
      message: `Project daily cap: ${n(p.daily)} credits a day, ${n(p.spentToday)} used today, ${n(left)} left; this job needs ${n(need)}.`,
      waysOut: [...fit(left), ...waitForReset(a.dayResetsAt, "project's daily cap"), { kind: 'ask_admin', text: "ask an admin to raise the project's daily cap" }],
    });
  }
  return out;
}
