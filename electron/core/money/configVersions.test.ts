import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/core';
import { describeEachEngine } from '../../../test/support/engines';
import { tempDir } from '../../../test/support/tmp';
import type { SqlEngine } from '../db/engine/sqlEngine';
import { silentLogger } from '../nodePorts';
import { changesFrom, configHash, configKeyId, ConfigVersions, type ConfigKey } from './configVersions';
import { MoneySettings } from './moneySettings';
import { PlanRegistry } from './planRegistry';
import { findResourcesDir } from './resourcesDir';

// The money settings and the stored config versions on both engines (SQLite, the desktop; PostgreSQL, a
// studio), and the plan registry over them: the plan in force across a broken file and a restart
// (issue 13 item 7), and a plan switched by another process on the same database.
const builtinDir = findResourcesDir();
const freeText = readFileSync(join(builtinDir, 'plans', 'runway-free.yaml'), 'utf8');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const key = (fileName: string, kind: ConfigKey['kind'] = 'plan'): ConfigKey => ({ kind, source: 'user', fileName });

function dataDir(): string {
  const t = tempDir('ct-plans-');
  cleanups.push(t.cleanup);
  mkdirSync(join(t.dir, 'plans'));
  return t.dir;
}

/** A registry as a fresh process would open it on this database (a restart, or another process). */
async function registry(engine: SqlEngine, dir: string, clock: FakeClock): Promise<PlanRegistry> {
  const r = new PlanRegistry({ builtinDir, dataDir: dir, clock, logger: silentLogger, settings: new MoneySettings(engine), versions: new ConfigVersions(engine) });
  await r.ready;
  return r;
}

/** Commits made by a SQLite engine so far; null on PostgreSQL (the server counts them, not the engine). */
const commitsOf = (engine: SqlEngine): number | null => ('commits' in engine ? (engine as SqlEngine & { commits: number }).commits : null);

describeEachEngine('money settings and config versions', (open) => {
  it('keeps settings by key: set, replaced, removed with null, several in one transaction', async () => {
    const engine = await open();
    const s = new MoneySettings(engine);
    expect(await s.get('active_plan')).toBeNull();
    await s.set({ active_plan: 'runway-pro', active_rates: 'generic-pixel' });
    expect([await s.get('active_plan'), await s.get('active_rates')]).toEqual(['runway-pro', 'generic-pixel']);
    await s.set({ active_plan: 'runway-free', active_rates: null });
    expect([await s.get('active_plan'), await s.get('active_rates')]).toEqual(['runway-free', null]);
    // Inside a caller's transaction, through its q: written and read there, gone with a rollback.
    await expect(
      engine.tx(async (q) => {
        await s.setIn(q, { active_plan: 'runway-api' });
        expect(await s.get('active_plan', q)).toBe('runway-api');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await s.get('active_plan')).toBe('runway-free');
  });

  it('stores the last good version of a file and since when it is broken, writing only what changed', async () => {
    const engine = await open();
    const v = new ConfigVersions(engine);
    expect(await v.read()).toEqual({ versions: new Map(), breaks: new Map() });
    await v.write({ saves: [{ key: key('tight.yaml'), name: 'tight', body: 'a: 1\n', at: '2026-11-22T10:00:00.000Z' }], breaks: [{ key: key('bad.yaml'), at: '2026-11-22T10:00:00.000Z' }] });
    const first = await v.read();
    expect(first.versions.get(configKeyId(key('tight.yaml')))).toEqual({ name: 'tight', hash: configHash('a: 1\n'), body: 'a: 1\n', savedAt: '2026-11-22T10:00:00.000Z' });
    expect(first.breaks).toEqual(new Map([[configKeyId(key('bad.yaml')), '2026-11-22T10:00:00.000Z']]));
    // Unchanged: nothing to write. A break already stored keeps its first time.
    expect(changesFrom(first, [{ key: key('tight.yaml'), name: 'tight', body: 'a: 1\n' }], [key('bad.yaml')], '2026-11-22T11:00:00.000Z')).toEqual({ saves: [], breaks: [] });
    expect(await v.write({ saves: [], breaks: [{ key: key('bad.yaml'), at: '2026-11-22T11:00:00.000Z' }] })).toEqual(new Map([[configKeyId(key('bad.yaml')), '2026-11-22T10:00:00.000Z']]));
    // The broken file reads well again: stored, its break cleared; the same name in a rate card is another file.
    const changes = changesFrom(first, [{ key: key('bad.yaml'), name: 'bad', body: 'b: 2\n' }, { key: key('tight.yaml', 'rateCard'), name: 'tight', body: 'c: 3\n' }], [], '2026-11-22T12:00:00.000Z');
    expect(changes.saves.map((x) => x.key)).toEqual([key('bad.yaml'), key('tight.yaml', 'rateCard')]);
    await v.write(changes);
    const second = await v.read();
    expect(second.breaks.size).toBe(0);
    expect([...second.versions.keys()].sort()).toEqual([key('bad.yaml'), key('tight.yaml'), key('tight.yaml', 'rateCard')].map(configKeyId).sort());
  });

  it('keeps the last good version of a file in force across a restart, saying since when it is broken', async () => {
    const engine = await open();
    const dir = dataDir();
    const clock = new FakeClock(Date.parse('2026-11-22T10:00:00Z'));
    const file = join(dir, 'plans', 'tight.yaml');
    const good = freeText.replace('name: runway-free', 'name: tight').replace('credits_per_day: 50', 'credits_per_day: 10');
    writeFileSync(file, good);
    const first = await registry(engine, dir, clock);
    await first.activate('tight');
    first.dispose();

    writeFileSync(file, good.replace('credits_per_day: 10', 'credits_per_day: ten'));
    clock.advance(3_600_000);
    const second = await registry(engine, dir, clock);
    expect(second.active().plan.quotas.credits_per_day).toBe(10);
    const [p] = second.problems();
    expect(p).toMatchObject({ file, field: 'quotas.credits_per_day', since: '2026-11-22T11:00:00.000Z', inForce: { hash: configHash(good), savedAt: '2026-11-22T10:00:00.000Z' } });
    second.dispose();

    clock.advance(3_600_000);
    // A start that changes nothing writes nothing (on SQLite: not one commit).
    const commitsBefore = commitsOf(engine);
    const third = await registry(engine, dir, clock);
    expect(commitsOf(engine)).toBe(commitsBefore);
    expect(third.active().plan.plan.name).toBe('tight');
    expect(third.problems()[0]?.since).toBe('2026-11-22T11:00:00.000Z');
    writeFileSync(file, good.replace('credits_per_day: 10', 'credits_per_day: 20'));
    expect(await third.reload()).toEqual([]);
    expect(third.active().plan.quotas.credits_per_day).toBe(20);
    writeFileSync(file, 'plan: [');
    clock.advance(60_000);
    expect((await third.reload())[0]).toMatchObject({ field: '(yaml)', since: '2026-11-22T12:01:00.000Z', inForce: { hash: configHash(good.replace('credits_per_day: 10', 'credits_per_day: 20')) } });
    third.dispose();
  });

  it('says a broken file that was never good is not in force', async () => {
    const engine = await open();
    const dir = dataDir();
    writeFileSync(join(dir, 'plans', 'free.yaml'), freeText.replace('credits_per_day: 50', 'credits_per_day: lots'));
    const r = await registry(engine, dir, new FakeClock());
    expect(r.problems()[0]).toMatchObject({ since: '2026-11-22T10:00:00.000Z', inForce: null });
    expect(r.plan('runway-free').quotas.credits_per_day).toBe(50);
    r.dispose();
  });

  it('prices with a plan another process switched to: read again through the caller, and in the background once stale', async () => {
    const engine = await open();
    const dir = dataDir();
    const clock = new FakeClock();
    const mine = await registry(engine, dir, clock);
    const theirs = await registry(engine, dir, clock);
    expect(mine.active().plan.plan.name).toBe('runway-api');
    await theirs.activate('runway-standard', { rates: 'generic-pixel' });
    // Within the refresh interval the snapshot answers; a money check reads the choice through its transaction.
    expect(mine.active().plan.plan.name).toBe('runway-api');
    await engine.tx((q) => mine.readChoice(q));
    expect(mine.active()).toMatchObject({ plan: { plan: { name: 'runway-standard' } }, rateCard: { rate_card: { name: 'generic-pixel' } } });
    await theirs.activate('runway-free');
    clock.advance(1_001);
    mine.active(); // stale: starts a background read
    await expect.poll(() => mine.active().plan.plan.name).toBe('runway-free');
    expect(mine.active().rateCard.rate_card.name).toBe('runway-api');
    mine.dispose();
    theirs.dispose();
  });
});
