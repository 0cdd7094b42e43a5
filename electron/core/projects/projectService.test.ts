import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, testCore } from '../../../test/support/core';
import { describeEachEngine } from '../../../test/support/engines';
import { tempDir } from '../../../test/support/tmp';
import { CoreEvents } from '../coreEvents';
import type { SqlEngine } from '../db/engine/sqlEngine';
import { createIds, silentLogger } from '../nodePorts';
import { ProjectService } from './projectService';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('ProjectService', () => {
  it('creates, lists, renames and deletes, emitting an event for each change', async () => {
    const { core, cleanup } = testCore();
    cleanups.push(cleanup);
    const seen: string[] = [];
    core.events.subscribe((name, p) => name === 'projects.changed' && seen.push(`${name}:${(p as { kind: string }).kind}`));
    const a = await core.projects.create('  Spring spot ');
    expect(a.name).toBe('Spring spot');
    expect(a.id).toMatch(/^prj_/);
    const b = await core.projects.create('Teaser');
    expect((await core.projects.list()).map((p) => p.name)).toEqual(['Spring spot', 'Teaser']);
    expect((await core.projects.rename(a.id, 'Spring spot v2')).name).toBe('Spring spot v2');
    await core.projects.delete(b.id);
    expect((await core.projects.list()).map((p) => p.id)).toEqual([a.id]);
    expect(seen).toEqual(['projects.changed:created', 'projects.changed:created', 'projects.changed:renamed', 'projects.changed:deleted']);
  });

  it('refuses a duplicate name (case-insensitive) and names the clash', async () => {
    const { core, cleanup } = testCore();
    cleanups.push(cleanup);
    const a = await core.projects.create('Spot');
    const b = await core.projects.create('Other');
    await expect(core.projects.create('spot')).rejects.toThrow(/already exists/);
    await expect(core.projects.rename(b.id, 'SPOT')).rejects.toThrow(/already exists/);
    expect((await core.projects.rename(a.id, 'spot')).name).toBe('spot');
  });

  it('answers NOT_FOUND for an unknown or deleted project', async () => {
    const { core, cleanup } = testCore();
    cleanups.push(cleanup);
    const a = await core.projects.create('Spot');
    await core.projects.delete(a.id);
    await expect(core.projects.rename(a.id, 'x')).rejects.toThrow(/No project/);
    await expect(core.projects.delete(a.id)).rejects.toThrow(/No project/);
  });

  it('persists across a restart of core on the same data dir', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const first = testCore({ dataDir: t.dir });
    const p = await first.core.projects.create('Kept');
    await first.core.dispose();
    const second = testCore({ dataDir: t.dir });
    cleanups.push(second.cleanup);
    expect(await second.core.projects.list()).toEqual([p]);
  });
});

function projectService(engine: SqlEngine) {
  const clock = new FakeClock();
  const events = new CoreEvents(silentLogger, true);
  cleanups.push(() => events.dispose());
  return { clock, events, projects: new ProjectService(engine, events, clock, createIds(clock)) };
}

describeEachEngine('ProjectService on the engine port', (open) => {
  it('lists projects in the order they were made, even within one millisecond', async () => {
    const { projects } = projectService(await open());
    const names = ['Zulu', 'Alpha', 'Mike', 'Bravo', 'Yankee'];
    for (const n of names) await projects.create(n);
    expect((await projects.list()).map((p) => p.name)).toEqual(names);
  });

  it('finds by name case-insensitively, renames, and hides a deleted project (its name is free again)', async () => {
    const { projects } = projectService(await open());
    const a = await projects.create('Spot');
    expect((await projects.findByName(' SPOT '))?.id).toBe(a.id);
    await expect(projects.create('spot')).rejects.toMatchObject({ code: 'CONFLICT', details: { field: 'name', existingId: a.id } });
    await projects.delete(a.id);
    await expect(projects.get(a.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await projects.findByName('Spot')).toBeUndefined();
    const again = await projects.create('Spot');
    expect(again.id).not.toBe(a.id);
    expect((await projects.list()).map((p) => p.id)).toEqual([again.id]);
  });

  it('makes one project of two creates of the same name at the same time; the other is a CONFLICT', async () => {
    const { projects } = projectService(await open());
    const settled = await Promise.allSettled([projects.create('Teaser'), projects.create('teaser')]);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    expect(settled.find((s) => s.status === 'rejected')).toMatchObject({ reason: { code: 'CONFLICT' } });
    expect(await projects.list()).toHaveLength(1);
  });

  it('createIn joins the caller\'s transaction: rolled back with it, and announced only by the caller', async () => {
    const engine = await open();
    const { events, projects } = projectService(engine);
    const seen: string[] = [];
    events.subscribe((name) => seen.push(name));
    await expect(
      engine.tx(async (q) => {
        await projects.createIn(q, 'Doomed');
        throw new Error('the caller changed its mind');
      }),
    ).rejects.toThrow(/changed its mind/);
    expect(await projects.list()).toEqual([]);
    const made = await engine.tx((q) => projects.createIn(q, 'Kept'));
    expect(seen).toEqual([]);
    projects.announceCreated(made);
    expect(seen).toEqual(['projects.changed']);
    expect(await projects.get(made.id)).toEqual(made);
  });
});
