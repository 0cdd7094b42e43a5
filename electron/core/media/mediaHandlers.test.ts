import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { makeClip } from '../../../test/support/clips';
import { ENGINES, needsOn, testCoreOn } from '../../../test/support/coreOn';
import { createDatabase } from '../../../test/support/pgCluster';
import { tempDir } from '../../../test/support/tmp';
import type { Core } from '../createCore';
import type { CallContext } from '../dispatch';
import { describeWith } from '../../../test/support/needs';

const owner: CallContext = { role: 'owner', door: 'host' };
const reviewer: CallContext = { role: 'reviewer', door: 'host' };

// On both engines: the media metadata (artifacts, check reports, watermarks) on SQLite or PostgreSQL.
for (const engine of ENGINES) describeWith(needsOn(engine), `media through the contract · ${engine}`, () => {
  const src = tempDir('ct-mh-');
  let core: Core;
  let cleanup: () => Promise<void>;
  let dataDir: string;
  let previewId: string;
  let watermarkedReleaseId: string;
  let projectId: string;
  const events: string[] = [];
  let drop: (() => Promise<void>) | null = null;

  beforeAll(async () => {
    // One studio database for the whole suite (testCoreOn's own would be dropped after the first test).
    const db = engine === 'postgres' ? await createDatabase(inject('pgAdminUrl')!, 'ct_core', inject('pgTemplate')) : null;
    drop = db?.drop ?? null;
    ({ core, cleanup, dataDir } = await testCoreOn(engine, db ? { databaseUrl: db.url } : {}));
    core.events.subscribe((n) => events.push(n));
    projectId = (await core.projects.create('Contract')).id;
    previewId = (await core.media.putPreview({ projectId, jobId: 'job_mh0001', n: 0, fromFile: makeClip(src.dir, 'p.mp4', { watermark: true }) })).id;
    watermarkedReleaseId = (await core.media.putRelease({ projectId, jobId: 'job_mh0002', n: 0, fromFile: makeClip(src.dir, 'r.mp4', { watermark: true, durationSec: 1 }) })).id;
  }, 60_000);
  afterAll(async () => {
    await cleanup();
    await drop?.();
    src.cleanup();
  });

  it('checks a stored preview, stores the report, emits media.checked', async () => {
    const r = await core.dispatch('media.check', { id: previewId, expect: { durationSec: 2, width: 640, height: 360, audio: true } }, owner);
    expect(r).toMatchObject({ ok: true, value: { ok: true } });
    expect(events).toContain('media.checked');
    const last = await core.dispatch('media.lastCheck', { id: previewId }, reviewer);
    expect(last).toMatchObject({ ok: true, value: { artifactId: previewId, report: { ok: true }, checkedAt: core.ports.clock.now() } });
  });

  it('fails a release that carries the watermark, naming why', async () => {
    const r = await core.dispatch('media.check', { id: watermarkedReleaseId }, owner);
    expect(r.ok).toBe(true);
    const report = (r as { value: { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] } }).value;
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'watermark')).toMatchObject({ ok: false, detail: expect.stringContaining('a release must be clean') });
  });

  it('lets reviewers read, not run checks', async () => {
    expect(await core.dispatch('media.get', { id: previewId }, reviewer)).toMatchObject({ ok: true, value: { id: previewId, class: 'preview', projectId } });
    expect(await core.dispatch('media.list', { projectId, class: 'release' }, reviewer)).toMatchObject({ ok: true, value: [{ id: watermarkedReleaseId }] });
    expect(await core.dispatch('media.check', { id: previewId }, reviewer)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await core.dispatch('media.get', { id: 'art_../../x' }, reviewer)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await core.dispatch('media.get', { id: 'art_0000000000zzzz' }, reviewer)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('gives thumbnails as media ids', async () => {
    const r = await core.dispatch('media.thumbnails', { id: previewId }, reviewer);
    expect(r).toMatchObject({ ok: true, value: { posterId: `${previewId}.poster`, spriteId: `${previewId}.sprite`, frames: 10 } });
    expect(await core.resolveMedia(`${previewId}.poster`)).not.toBeNull();
  });

  it('never makes thumbnails of a release take for a reviewer (FORBIDDEN, no file written)', async () => {
    const files = () => readdirSync(dataDir, { recursive: true }).map(String).filter((f) => f.endsWith('.webp')).sort();
    const before = files();
    const r = await core.dispatch('media.thumbnails', { id: watermarkedReleaseId }, reviewer);
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { field: 'id' } } });
    expect(files()).toEqual(before);
    expect(await core.dispatch('media.thumbnails', { id: watermarkedReleaseId }, owner)).toMatchObject({ ok: true });
    expect(files().length).toBeGreaterThan(before.length);
  });

  it('registers a provider watermark and checks that provider\'s previews against it', async () => {
    const img = join(src.dir, 'runway-badge.png');
    const px = Buffer.alloc(100 * 30 * 4);
    for (let i = 0; i < 100 * 30; i++) px.set((i % 100 >> 2) % 3 === 0 ? [255, 255, 255, 255] : [10, 60, 200, 255], i * 4);
    await sharp(px, { raw: { width: 100, height: 30, channels: 4 } }).png().toFile(img);
    const reg = await core.dispatch('media.registerWatermark', { provider: 'runway', imageFile: img, corner: 'top-right', marginPx: 20 }, owner);
    expect(reg).toMatchObject({ ok: true, value: { provider: 'runway', corner: 'top-right', marginPx: 20, width: 100, height: 30 } });
    expect(await core.dispatch('media.watermarks', {}, owner)).toMatchObject({ ok: true, value: [{ provider: 'runway' }] });
    const theirs = await core.media.putPreview({
      projectId,
      jobId: 'job_mh0003',
      n: 0,
      fromFile: makeClip(src.dir, 'rw.mp4', { watermark: { imageFile: img, corner: 'top-right', marginPx: 20 } }),
    });
    expect((await core.artifactChecks.check(theirs.id, { provider: 'runway' })).ok).toBe(true);
    const local = (await core.artifactChecks.check(theirs.id, { provider: 'local' })).checks.find((c) => c.name === 'watermark');
    expect(local!.ok).toBe(false);
    expect(await core.dispatch('media.registerWatermark', { provider: 'import', imageFile: join(src.dir, 'nope.png') }, owner)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await core.dispatch('media.registerWatermark', { provider: 'import', imageFile: join(src.dir, 'p.mp4') }, owner)).toMatchObject({
      ok: false,
      error: { code: 'MEDIA_UNSUPPORTED' },
    });
  });

  it('shows the retention plan', async () => {
    expect(await core.dispatch('retention.plan', {}, owner)).toMatchObject({ ok: true, value: { previewDays: 7, releaseDays: 90, goes: [], kept: [] } });
    expect(await core.dispatch('retention.plan', {}, reviewer)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
