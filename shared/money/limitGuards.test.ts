import { describe, expect, it } from 'vitest';
import { params, shippedCard, shippedPlan } from '../../test/support/moneyConfigs';
import { estimate } from './estimate';
import { guard, guardError, type GuardState } from './guards';
import type { LimitState } from './limits';
import type { EstimateParamsInput } from './params';

const card = shippedCard('runway-api');
const plan = shippedPlan('runway-api');
const state = (limits: LimitState): GuardState => ({
  available: { 'api:purchased': 100_000, 'local:grant': 100_000 },
  spentToday: {},
  resetsAt: {},
  dayResetsAt: '2026-11-23T00:00:00.000Z',
  limits,
});
const fay = (o: Partial<NonNullable<LimitState['user']>>): LimitState => ({
  user: { id: 'mem_fay', name: 'Fay', spentToday: 0, spentMonth: 0, monthly: null, daily: null, ...o },
  monthResetsAt: '2026-12-01T00:00:00.000Z',
});
function check(p: EstimateParamsInput, limits: LimitState) {
  const ps = params(p);
  return guard({ params: ps, estimate: estimate(ps, card, plan), plan, rateCard: card, state: state(limits) });
}
const gen = { provider: 'runway', model: 'gen4_turbo', durationSec: 10 } as const; // 50 credits
const imported = { provider: 'import', model: 'gen4_turbo', durationSec: 10, enteredCredits: 50 } as const;

describe('limits an admin sets, in the guard', () => {
  it('fits a job exactly at the limit, and refuses one credit over, naming the member, the limit and the shortfall', () => {
    expect(check(gen, fay({ spentMonth: 950, monthly: 1000 })).ok).toBe(true);
    const v = check(gen, fay({ spentMonth: 951, monthly: 1000 }));
    expect(v.refusals).toEqual([expect.objectContaining({ rule: 'budgets.user', member: 'mem_fay', limit: 1000, shortfall: 1, pool: null })]);
    // A cheaper or shorter job that fits is offered, then the reset, then an admin.
    expect(v.refusals[0]!.waysOut.map((w) => w.kind).slice(-2)).toEqual(['wait_for_reset', 'ask_admin']);
    expect(v.refusals[0]!.waysOut.some((w) => w.kind === 'shorter_clip' || w.kind === 'cheaper_model')).toBe(true);
    const e = guardError(v);
    expect(e.code).toBe('POLICY_REFUSED');
    expect(e.details).toMatchObject({ rule: 'budgets.user', member: 'mem_fay', limit: 1000, shortfall: 1 });
  });

  it('counts an import toward a budget but not toward a daily cap, as the plan counts its own', () => {
    expect(check(imported, fay({ spentToday: 990, daily: 1000 })).ok).toBe(true);
    expect(check(imported, { projectDaily: { spentToday: 990, daily: 1000 }, monthResetsAt: '2026-12-01T00:00:00.000Z' }).ok).toBe(true);
    expect(check(imported, fay({ spentMonth: 990, monthly: 1000 })).refusals.map((r) => r.rule)).toEqual(['budgets.user']);
    expect(check(gen, fay({ spentToday: 990, daily: 1000 })).refusals.map((r) => r.rule)).toEqual(['budgets.user_daily']);
  });

  it('names every limit a job breaks at once, the member by id when it has no name', () => {
    const v = check(gen, { user: { id: 'mem_x', name: null, spentToday: 90, spentMonth: 90, monthly: 100, daily: 100 }, projectDaily: { spentToday: 10, daily: 20 }, monthResetsAt: '2026-12-01T00:00:00.000Z' });
    expect(v.refusals.map((r) => [r.rule, r.shortfall])).toEqual([['budgets.user', 40], ['budgets.user_daily', 40], ['budgets.project_daily', 40]]);
    expect(v.refusals[0]!.message).toBe("mem_x's monthly budget: 100 credits, 90 used this month, 10 left; this job needs 50.");
  });
});
