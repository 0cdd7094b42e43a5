import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip, mediaBinaries } from '../../../test/support/clips';
import { ENGINES, needsOn, suiteCoreOn } from '../../../test/support/coreOn';
import { tempDir } from '../../../test/support/tmp';
import type { Core } from '../createCore';
import type { Manifest } from './export/manifest';
import { exportProject, orderedFinals, stitchProject, type FinalEntry, type FinalsSource } from './finals';
import { describeWith } from '../../../test/support/needs';


describe('orderedFinals', () => {
  const entry = (shotPosition: number, takeId: string) => ({ shotPosition, takeId, paramsHash: 'p', model: 'm', credits: 1, artifact: {} as never });
  it('sorts by shot, refuses none and two finals for one shot', async () => {
    const src = (list: FinalEntry[]): FinalsSource => ({ finals: () => list });
    expect((await orderedFinals(src([entry(3, 'c'), entry(1, 'a'), entry(2, 'b')]), 'prj_1')).map((e) => e.takeId)).toEqual(['a', 'b', 'c']);
    await expect(orderedFinals(src([]), 'prj_1')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(orderedFinals(src([entry(1, 'a'), entry(1, 'b')]), 'prj_1')).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

// The clips are made once for the file and stored into each engine's core (the release artifacts'
// metadata on SQLite or PostgreSQL). Stitching and exporting read the stored files only (the finals come
// from the FinalsSource, not the database), so those two cases run once, on SQLite: on PostgreSQL they
// would only repeat the same ffmpeg work.
const src = tempDir('ct-finals-src-');
const clips: Record<1 | 2, string> = { 1: '', 2: '' };
beforeAll(() => {
  if (!mediaBinaries) return;
  clips[2] = makeClip(src.dir, '2.mp4', { durationSec: 1.5 });
  clips[1] = makeClip(src.dir, '1.mp4', { durationSec: 2 });
}, 60_000);
afterAll(() => src.cleanup());

for (const engine of ENGINES) describeWith(needsOn(engine), `project stitch and export through a FinalsSource · ${engine}`, () => {
  const rendersHere = engine === 'sqlite';
  const out = tempDir('ct-finals-out-');
  // Its own temp folder: other test files make ct-sequence-* folders in the system one at the same time.
  const work = tempDir('ct-finals-work-');
  let core: Core;
  let cleanup: () => Promise<void>;
  let projectId: string;
  let finals: FinalsSource;

  beforeAll(async () => {
    ({ core, cleanup } = await suiteCoreOn(engine));
    projectId = (await core.projects.create('Finals')).id;
    const list: FinalEntry[] = [];
    for (const pos of [2, 1] as const) {
      const artifact = await core.media.putRelease({ projectId, jobId: `job_final${pos}`, n: 0, fromFile: clips[pos] });
      list.push({ shotPosition: pos, takeId: `tk_000000000${pos}`, paramsHash: `ph${pos}`, model: 'gen4_turbo', credits: 10 * pos, artifact });
    }
    finals = { finals: (id) => (id === projectId ? list : []) };
  }, 60_000);
  afterAll(async () => {
    await cleanup();
    out.cleanup();
    work.cleanup();
  });

  if (rendersHere) it('stitches the finals in shot order', async () => {
    const r = await stitchProject({ finals, stitcher: core.stitcher }, projectId, join(out.dir, 'seq.mp4'));
    expect(r.durationSec).toBeCloseTo(2 + 1.5 - 0.25, 6);
  });

  if (rendersHere) it('exports takes, the stitched sequence and the manifest; no temp files remain', async () => {
    const r = await exportProject({ finals, stitcher: core.stitcher, exporter: core.exporter, tmpDir: work.dir }, projectId, join(out.dir, 'export'));
    expect(readdirSync(r.dir).sort()).toEqual(['manifest.json', 'sequence.mp4', 'shot-01-tk_0000000001.mp4', 'shot-02-tk_0000000002.mp4']);
    const m = JSON.parse(readFileSync(r.manifestFile, 'utf8')) as Manifest;
    expect(m.takes.map((t) => t.takeId)).toEqual(['tk_0000000001', 'tk_0000000002']);
    expect(m.creditsSpent).toBe(30);
    expect(m.sequence?.file).toBe('sequence.mp4');
    expect(readdirSync(work.dir)).toEqual([]);
  });

  it('says clearly when a project has no finals', async () => {
    await expect(exportProject({ finals, stitcher: core.stitcher, exporter: core.exporter, tmpDir: work.dir }, 'prj_other000000', out.dir)).rejects.toThrow(/has no finals yet/);
  });
});
