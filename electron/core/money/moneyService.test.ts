import { afterEach, expect, it } from 'vitest';
import { seedJobQ } from '../../../test/support/boardSeed';
import { ENGINES, testCoreOn, type EngineName } from '../../../test/support/coreOn';
import { pgNeed } from '../../../test/support/engines';
import { describeWith } from '../../../test/support/needs';
import { modelsInUse } from './modelsInUse';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(engine: EngineName) {
  const t = await testCoreOn(engine);
  cleanups.push(t.cleanup);
  return t.core;
}

for (const engine of ENGINES) describeWith(engine === 'postgres' ? [pgNeed] : [], `MoneyService · ${engine}`, () => {
  it('check() returns the estimate to reserve, or throws the guard refusal naming rule, pool, shortfall and ways out', async () => {
    const core = await setup(engine);
    expect((await core.money.check({ provider: 'local', model: 'gen4.5', durationSec: 5, variations: 1, audio: false, artifactClass: 'preview', upscale: false })).pools).toEqual({ local: 60 });
    let err: { code?: string; message?: string; details?: { rule?: string; pool?: string; shortfall?: number } } = {};
    try {
      await core.money.check({ provider: 'runway', model: 'gen4.5', durationSec: 5, variations: 1, audio: false, artifactClass: 'preview', upscale: false });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('INSUFFICIENT_CREDITS');
    expect(err.details).toMatchObject({ rule: 'balance', pool: 'api:purchased', shortfall: 60 });
    expect(err.message).toMatch(/^Not enough API credits: this job needs 60, 0 available .* Ways out: .*buy 1000 credits \(minimum purchase 1000\)/);
  });

  it('refuses to switch to a rate card that lacks a model the projects use, changing nothing', async () => {
    const core = await setup(engine);
    const project = await core.projects.create('Spot');
    const shot = await core.shots.create(project.id, 'Opening');
    expect(await modelsInUse(core.engine)).toEqual([]);
    await seedJobQ(core.engine, { id: 'job_1', projectId: project.id, shotId: shot.id, model: 'gen4.5', estimatedCredits: 60 });
    expect(await modelsInUse(core.engine)).toEqual(['gen4.5']);
    await expect(core.money.activate('runway-api', 'generic-pixel')).rejects.toThrow(
      'rates: rate card generic-pixel has no price for gen4.5, used by your projects; add it to the card or pick another card',
    );
    expect(core.money.view().active).toMatchObject({ plan: 'runway-api', rateCard: 'runway-api' });
    expect((await core.money.activate('runway-free')).active.plan).toBe('runway-free');
  });
});
