import { afterEach, expect, it } from 'vitest';
import type { Balances } from '../../shared/money/ledgerTypes';
import { ENGINES, testCoreOn, type EngineName } from '../support/coreOn';
import { pgNeed } from '../support/engines';
import { describeWith } from '../support/needs';

// The money calls through the one call loop every door uses (strict: outputs and events are validated), on both engines.
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(engine: EngineName) {
  const t = await testCoreOn(engine);
  cleanups.push(t.cleanup);
  await t.core.ledger.ready; // the books open asynchronously; their opening grant is announced then
  const owner = { role: 'owner' as const, door: 'host' as const };
  const call = async (name: string, input: unknown, ctx: { role: 'owner' | 'producer' | 'reviewer'; door: 'host' } = owner) => t.core.dispatch(name, input, ctx);
  const value = async <T>(name: string, input: unknown = {}) => {
    const r = await call(name, input);
    if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  };
  return { core: t.core, call, value };
}

for (const engine of ENGINES) describeWith(engine === 'postgres' ? [pgNeed] : [], `money calls · ${engine}`, () => {
  it('lists plans, shows the active config, and switches plans with a plans.changed event', async () => {
    const { core, value } = await setup(engine);
    const seen: unknown[] = [];
    core.events.subscribe((name, p) => name === 'plans.changed' && seen.push(p));
    const view = await value<{ active: { plan: string }; plans: unknown[]; rateCards: unknown[] }>('plans.list');
    expect(view.active.plan).toBe('runway-api');
    const active = await value<{ plan: { plan: { name: string } }; rateCard: { models: Record<string, unknown> } }>('plans.active');
    expect(active.plan.plan.name).toBe('runway-api');
    expect(Object.keys(active.rateCard.models)).toContain('gen4.5');
    const after = await value<{ active: { plan: string; surface: string } }>('plans.activate', { name: 'runway-pro' });
    expect(after.active).toMatchObject({ plan: 'runway-pro', surface: 'web' });
    expect(seen).toEqual([{ plan: 'runway-pro', rateCard: 'runway-api', problems: 0 }]);
  });

  it('estimates with a comparison, and quotes with balances before → after and the guard verdict', async () => {
    const { call, value } = await setup(engine);
    const est = await value<{ estimate: { credits: number }; comparison: { multiplier: number; warning: string } }>('credits.estimate', {
      params: { model: 'gen4.5', durationSec: 10, variations: 4 },
      against: { model: 'gen4.5', durationSec: 5 },
    });
    expect(est.estimate.credits).toBe(480);
    expect(est.comparison).toMatchObject({ multiplier: 8, warning: '×8 — duration 5 → 10 ×2, variations 1 → 4 ×4' });
    const local = await value<{ canSubmit: boolean; before: Record<string, number>; after: Record<string, number> }>('credits.quote', {
      params: { provider: 'local', model: 'gen4.5', durationSec: 5 },
    });
    expect(local).toMatchObject({ canSubmit: true, before: { local: 10_000 }, after: { local: 9940 } });
    const api = await value<{ canSubmit: boolean; refusals: { rule: string; pool: string; shortfall: number; waysOut: { kind: string }[] }[] }>('credits.quote', {
      params: { model: 'gen4.5', durationSec: 5 },
    });
    expect(api.canSubmit).toBe(false);
    expect(api.refusals[0]).toMatchObject({ rule: 'balance', pool: 'api:purchased', shortfall: 60 });
    expect(api.refusals[0]!.waysOut.map((w) => w.kind)).toContain('buy_credits');
    const bad = await call('credits.estimate', { params: { model: 'veo3.1', durationSec: 5 } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'durationSec: 5 s is not accepted by veo3.1: accepted 4, 6, 8 s' } });
  });

  it('grants, buys, adjusts and budgets, emitting credits.changed with the balances', async () => {
    const { core, call, value } = await setup(engine);
    const changes: { kind: string; balances: Balances }[] = [];
    core.events.subscribe((name, p) => name === 'credits.changed' && changes.push(p as never));
    await value('credits.purchase', { id: 'buy-1', surface: 'api', credits: 1200 });
    await value('credits.grant', { id: 'g-1', pool: 'local:grant', credits: 50, reason: 'demo' });
    const b = await value<Balances>('credits.adjust', { id: 'a-1', pool: 'api:purchased', credits: -200, reason: 'reconciled with /usage' });
    expect(b.surfaces.find((s) => s.surface === 'api')?.available).toBe(1000);
    expect(changes.map((c) => c.kind)).toEqual(['purchase', 'grant', 'adjust']);
    expect(changes[2]!.balances.pools.find((p) => p.pool === 'api:purchased')?.available).toBe(1000);
    const prj = (await core.projects.create('Budgeted')).id;
    expect(await value('credits.setBudget', { projectId: prj, credits: 100 })).toEqual({ projectId: prj, budget: 100 });
    const quote = await value<{ refusals: { rule: string }[] }>('credits.quote', { params: { model: 'gen4.5', durationSec: 10 }, projectId: prj });
    expect(quote.refusals.map((r) => r.rule)).toEqual(['budgets.project']);
    const history = await value<{ kind: string }[]>('credits.history', { pool: 'api:purchased' });
    expect(history.map((h) => h.kind)).toEqual(['adjust', 'purchase']);
    expect(await value('credits.audit')).toMatchObject({ ok: true });
    const neg = await call('credits.grant', { id: 'g-2', pool: 'local:grant', credits: -1 });
    expect(neg).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('lists reservations by job', async () => {
    const { core, value } = await setup(engine);
    await core.ledger.reserve({ id: 'r-1', jobId: 'job-1', projectId: null, stage: 'generate', artifactClass: 'preview', amounts: { local: 25 } });
    const rs = await value<{ id: string; state: string; reserved: number }[]>('credits.reservations', { jobId: 'job-1' });
    expect(rs).toEqual([expect.objectContaining({ id: 'r-1', state: 'pending', reserved: 25 })]);
    expect(await value('credits.reservations', { pendingOnly: true })).toHaveLength(1);
  });

  it('keeps money writes to the owner and money reads from reviewers', async () => {
    const { call } = await setup(engine);
    const producer = { role: 'producer' as const, door: 'host' as const };
    const reviewer = { role: 'reviewer' as const, door: 'host' as const };
    expect(await call('credits.balances', {}, producer)).toMatchObject({ ok: true });
    expect(await call('credits.balances', {}, reviewer)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('credits.purchase', { id: 'x', surface: 'api', credits: 1000 }, producer)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
