import { describe, expect, it } from 'vitest';
import { params, patched, shippedCard, shippedPlan } from '../../test/support/moneyConfigs';
import type { EstimateParamsInput } from './params';
import { estimate } from './estimate';
import { guard, guardError, type GuardState } from './guards';
import type { PlanConfig } from './planSchema';

const runway = shippedCard('runway-api');
const api = shippedPlan('runway-api');
const free = shippedPlan('runway-free');
const standard = shippedPlan('runway-standard');
const reseller = shippedPlan('platform-reseller-example');

const state = (over: Partial<GuardState> = {}): GuardState => ({
  available: { 'api:purchased': 10_000, 'web:grant': 125, 'web:allowance': 625, 'web:purchased': 0, 'local:grant': 10_000, 'platform:purchased': 1000 },
  spentToday: {},
  resetsAt: { web: '2026-12-01' },
  dayResetsAt: '2026-11-23T00:00:00.000Z',
  ...over,
});

function check(p: EstimateParamsInput, plan: PlanConfig, s: GuardState = state()) {
  const ps = params(p);
  return guard({ params: ps, estimate: estimate(ps, runway, plan), plan, rateCard: runway, state: s });
}

describe('guard', () => {
  it('accepts a job that fits every rule', () => {
    expect(check({ model: 'gen4_turbo', durationSec: 5 }, free)).toEqual({ ok: true, refusals: [] });
  });

  it('refuses release renders on plans that forbid them, offering a preview', () => {
    const v = check({ model: 'gen4_turbo', durationSec: 5, artifactClass: 'release' }, free);
    expect(v.ok).toBe(false);
    expect(v.refusals[0]).toMatchObject({ rule: 'outputs.release_allowed', pool: null, shortfall: null });
    expect(v.refusals[0]!.waysOut.map((w) => w.kind)).toEqual(['preview_instead', 'change_plan']);
  });

  it('refuses clips over the plan cap with the longest duration that fits', () => {
    const v = check({ model: 'gen4_turbo', durationSec: 8 }, free);
    expect(v.refusals[0]).toMatchObject({ rule: 'outputs.max_duration_seconds.preview', message: expect.stringContaining('up to 5 s') });
    expect(v.refusals[0]!.waysOut).toEqual([{ kind: 'shorter_clip', text: 'make it 5 s', durationSec: 5 }]);
    const r = check({ model: 'gen4_turbo', durationSec: 2, ratio: '960:960' }, free).refusals[0]!;
    expect(r.rule).toBe('outputs.max_resolution.preview');
    expect(r.waysOut.map((w) => w.value)).toEqual(['1280:720', '720:1280', '1584:672']);
  });

  it('refuses past the daily cap, naming the shortfall, cheaper models, shorter clips and tomorrow', () => {
    const v = check({ model: 'gen4_turbo', durationSec: 5 }, free, state({ spentToday: { web: 40 } }));
    const r = v.refusals.find((x) => x.rule === 'quotas.credits_per_day')!;
    expect(r).toMatchObject({ pool: 'web', shortfall: 15 });
    expect(r.message).toBe('Daily cap: 50 credits a day, 40 used today, 10 left; this job needs 25.');
    const kinds = r.waysOut.map((w) => w.kind);
    expect(kinds).toContain('shorter_clip');
    expect(kinds).toContain('wait_for_reset');
    expect(r.waysOut.find((w) => w.kind === 'shorter_clip')).toMatchObject({ durationSec: 2, credits: 10 });
    expect(r.waysOut.find((w) => w.kind === 'wait_for_reset')!.at).toBe('2026-11-23T00:00:00.000Z');
  });

  it('refuses an expensive job when less than 10 % of the daily cap is left', () => {
    const plan = patched(free, { quotas: { credits_per_day: 500 }, budgets: { expensive_job_credits: 40 } });
    const tight = state({ spentToday: { web: 460 } });
    const v = check({ model: 'gen4_turbo', durationSec: 8, artifactClass: 'preview' }, patched(plan, { outputs: { max_duration_seconds: { preview: 10 } } }), tight);
    const r = v.refusals.find((x) => x.rule === 'budgets.expensive_refused_below_daily_fraction')!;
    expect(r).toMatchObject({ pool: 'web', shortfall: 10 });
    expect(r.waysOut.every((w) => w.kind !== 'cheaper_model' || (w.credits ?? 0) < 40)).toBe(true);
    // A cheap job still passes with the same 40 credits left, and the expensive one passes with more left.
    expect(check({ model: 'gen4_turbo', durationSec: 5 }, plan, tight).ok).toBe(true);
    expect(check({ model: 'gen4_turbo', durationSec: 8 }, patched(plan, { outputs: { max_duration_seconds: { preview: 10 } } }), state({ spentToday: { web: 400 } })).ok).toBe(true);
  });

  it('refuses past the project budget', () => {
    const v = check({ model: 'gen4.5', durationSec: 10 }, api, state({ project: { id: 'prj_1', spent: 900, budget: 1000 } }));
    expect(v.refusals[0]).toMatchObject({ rule: 'budgets.project', shortfall: 20 });
    expect(v.refusals[0]!.waysOut.at(-1)).toEqual({ kind: 'raise_budget', text: "raise the project's budget" });
    const viaDefault = patched(api, { budgets: { project_budget_default: 100 } });
    expect(check({ model: 'gen4.5', durationSec: 10 }, viaDefault, state({ project: { id: 'prj_1', spent: 0, budget: null } })).refusals[0]!.rule).toBe('budgets.project');
  });

  it('refuses when a pool is short, naming the pool, the shortfall and the ways out', () => {
    const v = check({ model: 'gen4.5', durationSec: 10 }, standard, state({ available: { 'web:allowance': 100, 'web:purchased': 0 } }));
    const r = v.refusals[0]!;
    expect(r).toMatchObject({ rule: 'balance', pool: 'web:purchased', shortfall: 20 });
    expect(r.message).toBe('Not enough web plan credits: this job needs 120, 100 available (web:allowance 100, web:purchased 0); short by 20.');
    expect(r.waysOut).toContainEqual({ kind: 'buy_credits', text: 'buy 1000 credits (minimum purchase 1000)', credits: 1000 });
    expect(r.waysOut).toContainEqual({ kind: 'wait_for_reset', text: 'wait for the allowance reset on 2026-12-01', at: '2026-12-01' });
    expect(r.waysOut.filter((w) => w.kind === 'cheaper_model').map((w) => w.model)).toEqual(['veo3.1_fast', 'gen4_turbo']);
    const err = guardError(v);
    expect(err.code).toBe('INSUFFICIENT_CREDITS');
    expect(err.message).toMatch(/short by 20\. Ways out: use veo3.1_fast \(80 credits for 8 s\)/);
    expect(err.details?.refusals).toEqual(v.refusals);
  });

  it('never leaves an empty pool without a way out: buy or switch plan, or top up the simulation', () => {
    const web = check({ model: 'gen4.5', durationSec: 10 }, standard, state({ available: { 'web:allowance': 0, 'web:purchased': 0 } })).refusals[0]!;
    expect(web.waysOut.map((w) => w.kind)).toEqual(expect.arrayContaining(['buy_credits', 'change_plan']));
    const noBuying = check({ model: 'gen4_turbo', durationSec: 5 }, free, state({ available: { 'web:grant': 0 } })).refusals.find((r) => r.rule === 'balance')!;
    expect(noBuying.waysOut.map((w) => w.kind)).not.toContain('buy_credits');
    expect(noBuying.waysOut.map((w) => w.kind)).toContain('change_plan');
    const sim = check({ model: 'gen4_turbo', durationSec: 5, provider: 'local' }, api, state({ available: { 'local:grant': 0 } })).refusals[0]!;
    expect(sim).toMatchObject({ rule: 'balance', pool: 'local:grant', shortfall: 25 });
    expect(sim.waysOut).toContainEqual({ kind: 'grant_credits', text: 'top up the simulation with 10000 simulated credits', credits: 10_000 });
    expect(sim.waysOut.map((w) => w.kind)).not.toContain('buy_credits');
  });

  it('checks the platform pool separately from the provider pool', () => {
    const v = check({ model: 'gen4_turbo', durationSec: 5 }, reseller, state({ available: { 'api:purchased': 1000, 'platform:purchased': 10 } }));
    expect(v.refusals).toHaveLength(1);
    expect(v.refusals[0]).toMatchObject({ rule: 'balance', pool: 'platform:purchased', shortfall: 16 });
  });

  it('a policy refusal outranks a balance one in the error code', () => {
    const v = check({ model: 'gen4_turbo', durationSec: 5, artifactClass: 'release' }, free, state({ available: {} }));
    expect(v.refusals.map((r) => r.rule)).toEqual(['outputs.release_allowed', 'balance']);
    expect(guardError(v).code).toBe('POLICY_REFUSED');
    expect(() => guardError({ ok: true, refusals: [] })).toThrow(/accepted job/);
  });
});
