import { statSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeClip, mediaBinaries } from '../../../../test/support/clips';
import { ENGINES, needsOn, suiteCoreOn } from '../../../../test/support/coreOn';
import { tempDir } from '../../../../test/support/tmp';
import type { Core } from '../../createCore';
import type { Logger } from '../../ports';
import { FfmpegRunner } from '../ffmpeg/runner';
import { createMediaResolver } from '../mediaResolver';
import type { StoredArtifact } from '../store/artifact';
import { ThumbnailService } from './thumbnailService';
import { describeWith } from '../../../../test/support/needs';

// The clip is made once for the file. On both engines: the artifacts' metadata the service reads and
// the resolver serves poster and sprite through (one small sprite render per engine: the cache lives
// beside each core's store).
const src = tempDir('ct-thumb-src-');
let clip = '';
beforeAll(() => {
  if (mediaBinaries) clip = makeClip(src.dir, 'a.mp4', { width: 912, height: 512, durationSec: 3 });
}, 60_000);
afterAll(() => src.cleanup());

for (const engine of ENGINES) describeWith(needsOn(engine), `ThumbnailService · ${engine}`, () => {
  let core: Core;
  let cleanup: () => Promise<void>;
  let runner: FfmpegRunner;
  let thumbs: ThumbnailService;
  let a: StoredArtifact;
  let runs = 0;
  const logger: Logger = { log: (_l, msg, f) => void (msg === 'ffmpeg start' && f?.purpose === 'thumbnails' && runs++) };

  beforeAll(async () => {
    ({ core, cleanup } = await suiteCoreOn(engine));
    runner = new FfmpegRunner({ ffmpegPath: mediaBinaries!.ffmpeg, ffprobePath: mediaBinaries!.ffprobe, logger });
    thumbs = new ThumbnailService({ runner, store: core.media, logger, concurrency: 2 });
    const project = await core.projects.create('Thumbs');
    a = await core.media.putPreview({ projectId: project.id, jobId: 'job_thumb1', n: 0, fromFile: clip });
  }, 60_000);
  afterAll(async () => {
    thumbs.dispose();
    await runner.dispose();
    await cleanup();
  });

  it('makes a WebP poster and a scrub sprite once, and serves later asks from the cache', async () => {
    const [t1, t2] = await Promise.all([thumbs.forArtifact(a), thumbs.forArtifact(a)]);
    expect(runs).toBe(1);
    expect(t2).toEqual(t1);
    expect(t1).toMatchObject({ frames: 10, columns: 5, rows: 2, frameWidth: 160, frameHeight: 90 });
    expect(t1.intervalSec).toBeCloseTo(0.3, 2);
    const poster = await sharp(t1.posterFile).metadata();
    expect([poster.format, poster.width, poster.height]).toEqual(['webp', 640, 360]);
    const sprite = await sharp(t1.spriteFile).metadata();
    expect([sprite.format, sprite.width, sprite.height]).toEqual(['webp', 800, 180]);
    const mtime = statSync(t1.spriteFile).mtimeMs;
    await thumbs.forArtifact(a);
    expect(runs).toBe(1);
    expect(statSync(t1.spriteFile).mtimeMs).toBe(mtime);
  });

  it('is keyed by content: another artifact with the same bytes reuses the set', async () => {
    const b = await core.media.putPreview({ projectId: a.projectId, jobId: 'job_thumb2', n: 0, fromFile: await core.media.fileOf(a) });
    const before = runs;
    const t = await thumbs.forArtifact(b);
    expect(runs).toBe(before);
    expect(t.artifactId).toBe(b.id);
  });

  it('serves poster and sprite by media id, inside the class root, and keeps them after a sweep', async () => {
    const resolve = createMediaResolver(core.media, thumbs);
    expect(await resolve(`${a.id}.poster`)).toMatchObject({ contentType: 'image/webp', class: 'preview' });
    expect(await resolve(`${a.id}.sprite`, 'preview')).not.toBeNull();
    expect(await resolve(`${a.id}.sprite`, 'release')).toBeNull();
    expect(await resolve(`${a.id}.thumb`)).toBeNull();
    expect(await resolve(`${a.id}/../x`)).toBeNull();
    await core.media.sweep(a.id);
    expect(await resolve(a.id)).toBeNull();
    expect(await resolve(`${a.id}.poster`)).not.toBeNull();
  });

  it('refuses a file that is not a video', async () => {
    const junk = await core.media.putPreview({ projectId: a.projectId, jobId: 'job_thumb3', n: 0, fromFile: __filename });
    await expect(thumbs.forArtifact(junk)).rejects.toMatchObject({ code: 'MEDIA_UNSUPPORTED' });
  });
});
