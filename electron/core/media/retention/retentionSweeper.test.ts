import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/support/core';
import { ENGINES, testCoreOn, type EngineName } from '../../../../test/support/coreOn';
import { describeEachEngine, pgNeed } from '../../../../test/support/engines';
import { itWith } from '../../../../test/support/needs';
import { mediaOnEngine } from '../../../../test/support/mediaOnEngine';
import { tempDir } from '../../../../test/support/tmp';
import { silentLogger } from '../../nodePorts';
import type { MediaStore } from '../store/mediaStore';
import { DAY_MS, planRetention } from './retentionPolicy';
import { RetentionSweeper, type ProtectionSource } from './retentionSweeper';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function world(engine: EngineName) {
  const clock = new FakeClock();
  const t = await testCoreOn(engine, { clock });
  cleanups.push(t.cleanup);
  const src = tempDir();
  cleanups.push(src.cleanup);
  const pid = (await t.core.projects.create('Keep')).id;
  return { ...t, clock, put: putter(t.core.media, pid, src.dir) };
}

/** Stores a distinct small clip of the class. */
function putter(media: MediaStore, projectId: string, dir: string) {
  let i = 0;
  return async (cls: 'preview' | 'release') => {
    const f = join(dir, `${++i}.mp4`);
    writeFileSync(f, `clip ${i}`);
    return cls === 'preview' ? media.putPreview({ projectId, jobId: `job_ret00${i}`, n: 0, fromFile: f }) : media.putRelease({ projectId, jobId: `job_ret00${i}`, n: 0, fromFile: f });
  };
}

describeEachEngine('retention over the store', (open) => {
  async function onEngine() {
    const m = await mediaOnEngine(await open());
    cleanups.push(m.cleanup);
    return { ...m, core: { media: m.media, events: m.events }, put: putter(m.media, m.project.id, m.src) };
  }

  it('previews go after 7 days unless shortlisted or awaiting finalize; releases after 90 unless published', async () => {
    const { core, clock, put } = await onEngine();
    const old = await put('preview');
    const shortlisted = await put('preview');
    const release = await put('release');
    const published = await put('release');
    clock.advance(3 * DAY_MS);
    const young = await put('preview');
    const reasons = new Map([
      [shortlisted.id, 'shortlisted'],
      [published.id, 'published'],
    ]);
    const asked: string[][] = [];
    const protection: ProtectionSource = { protectedArtifacts: (ids) => (asked.push([...ids]), new Map([...reasons].filter(([id]) => ids.includes(id)))) };
    const events: string[] = [];
    core.events.subscribe((n, p) => n === 'media.swept' && events.push(...(p as { artifactIds: string[] }).artifactIds));
    const sweeper = new RetentionSweeper({ store: core.media, protection, clock, logger: silentLogger, events: core.events });

    clock.advance(5 * DAY_MS); // the first four are 8 days old, `young` 5
    const plan = await sweeper.plan();
    expect(plan.goes.map((g) => g.artifactId)).toEqual([old.id]);
    expect(plan.kept).toEqual([expect.objectContaining({ artifactId: shortlisted.id, keptBecause: 'shortlisted', ageDays: 8 })]);
    expect(asked[0]!.sort()).toEqual([old.id, shortlisted.id].sort());
    expect(existsSync(await core.media.fileOf(old))).toBe(true); // the dry run changed nothing

    const path = await core.media.fileOf(old);
    const done = await sweeper.sweep();
    expect(done.goes.map((g) => g.artifactId)).toEqual([old.id]);
    expect(done.bytesFreed).toBe(old.sizeBytes);
    expect(existsSync(path)).toBe(false);
    expect((await core.media.get(old.id)).sweptAt).toBe(clock.now());
    expect(events).toEqual([old.id]);
    expect(await core.media.fileOf(young)).toBeTruthy();

    clock.advance(83 * DAY_MS); // releases are 91 days old
    const later = await sweeper.plan();
    expect(later.goes.map((g) => g.artifactId).sort()).toEqual([release.id, young.id].sort());
    expect(later.kept.map((k) => [k.artifactId, k.keptBecause])).toEqual(
      expect.arrayContaining([
        [shortlisted.id, 'shortlisted'],
        [published.id, 'published'],
      ]),
    );
  });

  it('takes the days from the policy (e.g. the plan) each time', async () => {
    const { core, clock, put } = await onEngine();
    await put('preview');
    clock.advance(2 * DAY_MS);
    let days = 7;
    const s = new RetentionSweeper({ store: core.media, protection: { protectedArtifacts: () => new Map() }, clock, logger: silentLogger, policy: () => ({ previewDays: days }) });
    expect((await s.plan()).goes).toHaveLength(0);
    days = 1;
    expect((await s.plan()).goes).toHaveLength(1);
  });

  it('a crash between the mark and the delete: the next retry removes the file no live row uses, and only that one', async () => {
    const { media, engine, clock, put } = await onEngine();
    const gone = await put('preview');
    const kept = await put('preview');
    const file = await media.fileOf(gone);
    // What a crash after the sweep's transaction leaves: the row marked, the file still there.
    await engine.tx((q) => q.run('UPDATE artifacts SET swept_at = ? WHERE id = ?', [clock.now(), gone.id]));
    expect(existsSync(file)).toBe(true);
    expect(await media.retryDeletes(0)).toEqual({ deleted: 1, failed: 0 });
    expect(existsSync(file)).toBe(false);
    expect(existsSync(await media.fileOf(kept))).toBe(true);
    expect(await media.retryDeletes(0)).toEqual({ deleted: 0, failed: 0 });
  });
});

describe('retention in the core', () => {
  for (const engine of ENGINES) itWith(engine === 'postgres' ? [pgNeed] : [], `core's sweeper asks the takes what to keep: an old preview no take protects goes, with the plan's days · ${engine}`, async () => {
    const { core, clock, put } = await world(engine);
    const a = await put('preview');
    clock.advance(30 * DAY_MS);
    const plan = await core.retention.plan();
    expect(plan.goes.map((g) => g.artifactId)).toEqual([a.id]);
    expect(plan.kept).toEqual([]);
    expect(core.retention.policy).toEqual({ previewDays: 7, releaseDays: 90 });
  });

  it('planRetention is pure: ages in days, protected ones kept, swept ones ignored', () => {
    const now = Date.parse('2026-11-22T00:00:00Z');
    const a = (id: string, cls: 'preview' | 'release', ageDays: number, sweptAt: number | null = null) =>
      ({ id, class: cls, projectId: 'prj_1', jobId: 'job_1', n: 0, sha256: 'x', sizeBytes: 10, createdAt: now - ageDays * DAY_MS, sweptAt }) as never;
    const plan = planRetention([a('p1', 'preview', 7.5), a('p2', 'preview', 6.9), a('p3', 'preview', 30, 1), a('r1', 'release', 95)], new Map([['r1', 'published']]), now, {
      previewDays: 7,
      releaseDays: 90,
    });
    expect(plan.goes.map((g) => [g.artifactId, g.ageDays])).toEqual([['p1', 7.5]]);
    expect(plan.kept.map((k) => k.artifactId)).toEqual(['r1']);
    expect(plan.bytesFreed).toBe(10);
  });
});
