import { afterEach, describe, expect, it } from 'vitest';
import { testCore } from '../../../test/support/core';
import { tempDir } from '../../../test/support/tmp';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('ProjectService', () => {
  it('creates, lists, renames and deletes, emitting an event for each change', async () => {
    const { core, cleanup } = testCore();
    cleanups.push(cleanup);
    const seen: string[] = [];
    core.events.subscribe((name, p) => seen.push(`${name}:${(p as { kind: string }).kind}`));
    const a = core.projects.create('  Spring spot ');
    expect(a.name).toBe('Spring spot');
    expect(a.id).toMatch(/^prj_/);
    const b = core.projects.create('Teaser');
    expect(core.projects.list().map((p) => p.name)).toEqual(['Spring spot', 'Teaser']);
    expect(core.projects.rename(a.id, 'Spring spot v2').name).toBe('Spring spot v2');
    core.projects.delete(b.id);
    expect(core.projects.list().map((p) => p.id)).toEqual([a.id]);
    expect(seen).toEqual(['projects.changed:created', 'projects.changed:created', 'projects.changed:renamed', 'projects.changed:deleted']);
  });

  it('refuses a duplicate name (case-insensitive) and names the clash', async () => {
    const { core, cleanup } = testCore();
    cleanups.push(cleanup);
    const a = core.projects.create('Spot');
    const b = core.projects.create('Other');
    expect(() => core.projects.create('spot')).toThrow(/already exists/);
    expect(() => core.projects.rename(b.id, 'SPOT')).toThrow(/already exists/);
    expect(core.projects.rename(a.id, 'spot').name).toBe('spot');
  });

  it('answers NOT_FOUND for an unknown or deleted project', async () => {
    const { core, cleanup } = testCore();
    cleanups.push(cleanup);
    const a = core.projects.create('Spot');
    core.projects.delete(a.id);
    expect(() => core.projects.rename(a.id, 'x')).toThrow(/No project/);
    expect(() => core.projects.delete(a.id)).toThrow(/No project/);
  });

  it('persists across a restart of core on the same data dir', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const first = testCore({ dataDir: t.dir });
    const p = first.core.projects.create('Kept');
    await first.core.dispose();
    const second = testCore({ dataDir: t.dir });
    cleanups.push(second.cleanup);
    expect(second.core.projects.list()).toEqual([p]);
  });
});
