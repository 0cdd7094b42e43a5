import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/core';
import { ENGINES, testCoreOn } from '../../../test/support/coreOn';
import { pgNeed } from '../../../test/support/engines';
import { itWith } from '../../../test/support/needs';
import { tempDir } from '../../../test/support/tmp';
import { silentLogger } from '../nodePorts';
import { PlanRegistry, type SettingsStore } from './planRegistry';
import { findResourcesDir } from './resourcesDir';

const builtinDir = findResourcesDir();
const freeText = readFileSync(join(builtinDir, 'plans', 'runway-free.yaml'), 'utf8');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function mapSettings(): SettingsStore {
  const m = new Map<string, string>();
  return {
    get: async (k) => m.get(k) ?? null,
    set: async (values) => {
      for (const [k, v] of Object.entries(values)) {
        if (v === null) m.delete(k);
        else m.set(k, v);
      }
    },
  };
}

async function registry(clock = new FakeClock()) {
  const t = tempDir('ct-plans-');
  cleanups.push(t.cleanup);
  mkdirSync(join(t.dir, 'plans'));
  mkdirSync(join(t.dir, 'rates'));
  const r = new PlanRegistry({ builtinDir, dataDir: t.dir, clock, logger: silentLogger, settings: mapSettings() });
  await r.ready;
  return { r, dir: t.dir };
}

describe('PlanRegistry', () => {
  it('loads the shipped plans and rate cards, with runway-api active by default', async () => {
    const { r } = await registry();
    const { plans, rateCards } = r.list();
    expect(plans.map((p) => p.name)).toEqual(['platform-reseller-example', 'runway-api', 'runway-enterprise', 'runway-free', 'runway-pro', 'runway-standard', 'runway-unlimited']);
    expect(rateCards.map((c) => c.name)).toEqual(['generic-pixel', 'runway-api']);
    expect(r.active().plan.plan.name).toBe('runway-api');
    expect(r.active().rateCard.rate_card.name).toBe('runway-api');
    expect(r.problems()).toEqual([]);
    expect(r.plan('runway-free').pools.web?.grants[0]?.credits).toBe(125);
  });

  it('names the known plans and cards for an unknown name', async () => {
    const { r } = await registry();
    expect(() => r.plan('runway-gold')).toThrow(/No plan named "runway-gold"\. Known plans: platform-reseller-example, runway-api/);
    expect(() => r.rateCard('nope')).toThrow(/Known rate cards: generic-pixel, runway-api/);
  });

  it('adds user plans, and a user file replaces the built-in of the same name', async () => {
    const { r, dir } = await registry();
    writeFileSync(join(dir, 'plans', 'mine.yaml'), freeText.replace('name: runway-free', 'name: my-free').replace('credits_per_day: 50', 'credits_per_day: 80'));
    writeFileSync(join(dir, 'plans', 'free.yaml'), freeText.replace('credits_per_day: 50', 'credits_per_day: 30'));
    await r.reload();
    expect(r.plan('my-free').quotas.credits_per_day).toBe(80);
    expect(r.plan('runway-free').quotas.credits_per_day).toBe(30);
    expect(r.list().plans.find((p) => p.name === 'runway-free')?.source).toBe('user');
  });

  it('rejects a bad file with file, line and field, keeping the last good version in force', async () => {
    const { r, dir } = await registry();
    const file = join(dir, 'plans', 'free.yaml');
    writeFileSync(file, freeText.replace('credits_per_day: 50', 'credits_per_day: 70'));
    await r.reload();
    expect(r.plan('runway-free').quotas.credits_per_day).toBe(70);
    const broken = freeText.replace('credits_per_day: 50', 'credits_per_day: 70').replace('  watermark_preview: true', '  watermark_previw: true');
    writeFileSync(file, broken);
    const problems = await r.reload();
    expect(problems).toEqual([
      {
        file,
        line: broken.split('\n').findIndex((l) => l.includes('watermark_previw')) + 1,
        field: 'outputs.watermark_previw',
        message: 'unknown field "watermark_previw"; did you mean "watermark_preview"?',
      },
    ]);
    expect(r.plan('runway-free').quotas.credits_per_day).toBe(70);
    expect(r.problems()).toEqual(problems);
  });

  it('falls back to the built-in when a user override was never valid', async () => {
    const { r, dir } = await registry();
    writeFileSync(join(dir, 'plans', 'free.yaml'), freeText.replace('credits_per_day: 50', 'credits_per_day: lots'));
    expect(await r.reload()).toHaveLength(1);
    expect(r.plan('runway-free').quotas.credits_per_day).toBe(50);
  });

  it('rejects a plan naming a rate card that does not exist', async () => {
    const { r, dir } = await registry();
    const text = freeText.replace('name: runway-free', 'name: orphan').replace('rate_card: runway-api', 'rate_card: runway-web');
    writeFileSync(join(dir, 'plans', 'orphan.yaml'), text);
    const [p] = await r.reload();
    expect(p).toMatchObject({ field: 'plan.rate_card', line: text.split('\n').findIndex((l) => l.includes('rate_card:')) + 1 });
    expect(p!.message).toBe('names rate card "runway-web", which does not exist; known: generic-pixel, runway-api');
    expect(() => r.plan('orphan')).toThrow(/No plan named/);
  });

  it('refuses to activate a rate card that lacks a model in use, changing nothing', async () => {
    const { r } = await registry();
    await expect(r.activate('runway-api', { rates: 'generic-pixel', modelsInUse: ['gen4.5', 'pixel-pro'] })).rejects.toThrow(
      'rates: rate card generic-pixel has no price for gen4.5, used by your projects; add it to the card or pick another card',
    );
    expect(r.active().rateCard.rate_card.name).toBe('runway-api');
    expect((await r.activate('runway-standard')).plan.plan.name).toBe('runway-standard');
    expect((await r.activate('runway-api', { rates: 'generic-pixel' })).rateCard.rate_card.name).toBe('generic-pixel');
  });

  it('warns about configs checked more than 90 days ago', async () => {
    const clock = new FakeClock(Date.parse('2026-11-22T10:00:00Z'));
    const { r } = await registry(clock);
    const stale = r.warnings();
    expect(stale.map((w) => w.name)).toContain('runway-free');
    expect(stale.map((w) => w.name)).not.toContain('runway-api');
    expect(stale.find((w) => w.name === 'runway-free')).toMatchObject({ kind: 'plan', checkedAt: '2026-05-26', ageDays: 180 });
    clock.t = Date.parse('2027-01-01T00:00:00Z');
    expect(r.warnings().map((w) => w.name)).toContain('runway-api');
  });

  // On PostgreSQL the chosen plan lives in the studio database: the second core opens on the same one.
  for (const engine of ENGINES) itWith(engine === 'postgres' ? [pgNeed] : [], `remembers the active plan across a restart (through core) · ${engine}`, async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const first = await testCoreOn(engine, { dataDir: t.dir });
    await first.core.money.activate('runway-standard');
    await first.core.dispose();
    const second = await testCoreOn(engine, { dataDir: t.dir, ...(first.databaseUrl ? { databaseUrl: first.databaseUrl } : {}) });
    cleanups.push(second.cleanup);
    await second.core.plans.ready; // the chosen plan is read from the database (calls wait for it; this test reads the registry itself)
    expect(second.core.plans.active().plan.plan.name).toBe('runway-standard');
    expect(second.core.money.view().active).toMatchObject({ plan: 'runway-standard', isStale: true });
  });
});
