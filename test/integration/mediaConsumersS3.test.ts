import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import type { ReleaseArtifact } from '../../electron/core/media/store/artifact';
import { makeClip, mediaBinaries } from '../support/clips';
import { testCore } from '../support/core';
import { describeWith, ffmpegNeed } from '../support/needs';
import { startS3, type TestS3 } from '../support/s3Server';
import { tempDir } from '../support/tmp';

/**
 * The ffmpeg consumers on clips kept in a bucket (a real s3rver, the real SDK): thumbnails and stitch
 * read through the bounded local cache. The cache is set smaller than the two clips a stitch needs:
 * both stay while the stitch holds them, and the cache shrinks back under its limit afterwards.
 */
const dir = tempDir('ct-consumers-s3-');
let s3: TestS3;
let core: Core;
let cleanup: () => Promise<void>;
let finals: ReleaseArtifact[];
let limit: number;

beforeAll(async () => {
  s3 = await startS3('circletake-consumers');
  if (!mediaBinaries) return;
  const clips = [makeClip(dir.dir, 'a.mp4', { width: 320, height: 180, durationSec: 1 }), makeClip(dir.dir, 'b.mp4', { width: 320, height: 180, durationSec: 1, fps: 25 })];
  limit = Math.min(...clips.map((c) => statSync(c).size)) + 1; // room for one clip, not two
  ({ core, cleanup } = testCore({ config: { storeUrl: s3.url('consumers'), storeCredentials: s3.credentials, mediaCacheBytes: limit } }));
  const projectId = (await core.projects.create('Consumers')).id;
  finals = [
    await core.media.putRelease({ projectId, jobId: 'job_cons0001', n: 0, fromFile: clips[0]! }),
    await core.media.putRelease({ projectId, jobId: 'job_cons0002', n: 0, fromFile: clips[1]! }),
  ];
}, 60_000);
afterAll(async () => {
  await cleanup?.();
  await s3.close();
  dir.cleanup();
});

const cached = () => readdirSync(join(core.config.dataDir, 'cache', 'objects')).filter((f) => f.endsWith('.mp4'));
const cachedBytes = () => cached().reduce((n, f) => n + statSync(join(core.config.dataDir, 'cache', 'objects', f)).size, 0);

describeWith(ffmpegNeed, 'ffmpeg consumers on S3', () => {
  it('makes thumbnails from a clip in the bucket, served by id', { timeout: 60_000 }, async () => {
    const set = await core.thumbnails.forArtifact(finals[0]!);
    expect(existsSync(set.posterFile) && existsSync(set.spriteFile)).toBe(true);
    expect(await core.resolveMedia(`${finals[0]!.id}.poster`, 'release')).toMatchObject({ contentType: 'image/webp', class: 'release' });
  });

  it('stitches two clips from the bucket through a cache smaller than both, which shrinks back after', { timeout: 120_000 }, async () => {
    const out = join(dir.dir, 'sequence.mp4');
    let heldAtOnce = 0;
    const r = await core.stitcher.stitch(finals, out, { preset: 'ultrafast', onProgress: () => (heldAtOnce = Math.max(heldAtOnce, cached().length)) });
    expect(existsSync(out)).toBe(true);
    expect(heldAtOnce).toBe(2); // both held while ffmpeg reads them, though the limit is one clip
    expect(r.durationSec).toBeGreaterThan(1.5);
    await core.media.idle();
    expect(cachedBytes()).toBeLessThanOrEqual(limit);
    expect(cached().length).toBeLessThanOrEqual(1);
  });
});
