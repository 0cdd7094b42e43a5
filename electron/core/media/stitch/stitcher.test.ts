import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeClip, mediaBinaries } from '../../../../test/support/clips';
import { ENGINES, needsOn, suiteCoreOn } from '../../../../test/support/coreOn';
import { tempDir } from '../../../../test/support/tmp';
import type { Core } from '../../createCore';
import { probeFile } from '../ffmpeg/probe';
import type { PreviewArtifact, ReleaseArtifact } from '../store/artifact';
import { sha256File } from '../store/fileOps';
import { describeWith } from '../../../../test/support/needs';

// The clips are made once for the file and stored into each engine's core. On both engines: what goes
// through the media metadata (storing the finals, refusing a preview by its stored class). Stitching
// itself reads files only (no database), so the renders run once, on SQLite: on PostgreSQL they would
// only repeat the same ffmpeg work.
const src = tempDir('ct-stitch-src-');
const clips = { c1: '', c2: '', c3: '', preview: '', long1: '', long2: '' };
beforeAll(() => {
  if (!mediaBinaries) return;
  clips.c1 = makeClip(src.dir, '1.mp4', { width: 640, height: 360, fps: 24, durationSec: 2 });
  clips.c2 = makeClip(src.dir, '2.mp4', { width: 480, height: 360, fps: 30, durationSec: 1.5, channels: 1, sampleRate: 44100 });
  clips.c3 = makeClip(src.dir, '3.mp4', { width: 1280, height: 720, fps: 25, durationSec: 2, audio: 'none' });
  clips.preview = makeClip(src.dir, 'p.mp4', { watermark: true });
  clips.long1 = makeClip(src.dir, 'l1.mp4', { durationSec: 6 });
  clips.long2 = makeClip(src.dir, 'l2.mp4', { durationSec: 6 });
}, 60_000);
afterAll(() => src.cleanup());

for (const engine of ENGINES) describeWith(needsOn(engine), `Stitcher · ${engine}`, () => {
  /** The renders: once per file, on SQLite (see above). */
  const rendersHere = engine === 'sqlite';
  const out = tempDir('ct-stitch-out-');
  let core: Core;
  let cleanup: () => Promise<void>;
  let finals: ReleaseArtifact[];
  let preview: PreviewArtifact;

  beforeAll(async () => {
    ({ core, cleanup } = await suiteCoreOn(engine));
    const p = await core.projects.create('Stitch');
    const put = (jobId: string, file: string) => core.media.putRelease({ projectId: p.id, jobId, n: 0, fromFile: file });
    finals = [
      await put('job_shot01', clips.c1),
      await put('job_shot02', clips.c2),
      await put('job_shot03', clips.c3),
    ];
    preview = await core.media.putPreview({ projectId: p.id, jobId: 'job_prev01', n: 0, fromFile: clips.preview });
  }, 60_000);
  afterAll(async () => {
    await cleanup();
    out.cleanup();
  });

  if (rendersHere) it('normalizes size, rate and audio, then joins in order with a crossfade that keeps sync', async () => {
    const file = join(out.dir, 'seq.mp4');
    const fractions: number[] = [];
    const r = await core.stitcher.stitch(finals, file, { preset: 'ultrafast', onProgress: (f) => fractions.push(f) });
    expect(r.durationSec).toBeCloseTo(2 + 1.5 + 2 - 2 * 0.25, 6);
    expect(r.target).toEqual({ width: 640, height: 360, fps: 24, sampleRate: 48000 });
    expect(r.sha256).toBe(await sha256File(file));
    const p = await probeFile(core.ffmpeg, file);
    expect(p.video).toMatchObject({ codec: 'h264', width: 640, height: 360, fps: 24 });
    expect(p.audio).toMatchObject({ codec: 'aac', sampleRate: 48000, channels: 2 });
    expect(p.video!.durationSec!).toBeCloseTo(5, 1);
    expect(p.audio!.durationSec!).toBeCloseTo(p.video!.durationSec!, 1);
    expect(fractions.at(-1)).toBe(1);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
    // The whole sequence decodes cleanly.
    const report = await core.checker.check(file, { durationSec: 5, artifactClass: 'release', audio: true });
    expect(report.ok, JSON.stringify(report)).toBe(true);
    expect(readdirSync(out.dir)).toEqual(['seq.mp4']);
  });

  if (rendersHere) it('does a hard cut with crossfade 0, and honours a target size', async () => {
    const r = await core.stitcher.stitch(finals.slice(0, 2), join(out.dir, 'cut.mp4'), { crossfadeSec: 0, preset: 'ultrafast', target: { width: 320, height: 180 } });
    expect(r.durationSec).toBeCloseTo(3.5, 6);
    const p = await probeFile(core.ffmpeg, r.outFile);
    expect([p.video!.width, p.video!.height]).toEqual([320, 180]);
    expect(p.video!.durationSec!).toBeCloseTo(3.5, 1);
  });

  it('refuses previews at runtime, and bad requests, before writing anything', async () => {
    const file = join(out.dir, 'never.mp4');
    await expect(core.stitcher.stitch([finals[0]!, preview as unknown as ReleaseArtifact], file)).rejects.toMatchObject({ code: 'POLICY_REFUSED' });
    await expect(core.stitcher.stitch([], file)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(core.stitcher.stitch(finals, file, { crossfadeSec: 1 })).rejects.toThrow(/too long for a 1\.50 s clip/);
    await expect(core.stitcher.stitch(finals, join(out.dir, 'no', 'dir', 'x.mp4'))).rejects.toMatchObject({ code: 'IO_FAILED' });
    writeFileSync(join(out.dir, 'taken.mp4'), 'x');
    await expect(core.stitcher.stitch(finals, join(out.dir, 'taken.mp4'))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(existsSync(file)).toBe(false);
  });

  if (rendersHere) it('cancel kills ffmpeg and removes the partial file', async () => {
    const p = await core.projects.create('Long');
    const long = await Promise.all(
      [clips.long1, clips.long2].map(async (fromFile, i) => core.media.putRelease({ projectId: p.id, jobId: `job_long0${i + 1}`, n: 0, fromFile })),
    );
    const dir = tempDir('ct-stitch-cancel-');
    try {
      const ac = new AbortController();
      const running = core.stitcher.stitch(long, join(dir.dir, 'seq.mp4'), { signal: ac.signal, preset: 'veryslow', onProgress: () => ac.abort() });
      setTimeout(() => ac.abort(), 1500);
      await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(core.ffmpeg.liveCount).toBe(0);
      expect(readdirSync(dir.dir)).toEqual([]);
    } finally {
      dir.cleanup();
    }
  });
});
