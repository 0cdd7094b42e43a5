import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CheckReport } from '../../../../shared/contract/media';
import { makeClip, makeStandardClips, mediaBinaries, type StandardClip } from '../../../../test/support/clips';
import { tempDir } from '../../../../test/support/tmp';
import type { Logger } from '../../ports';
import { FfmpegRunner } from '../ffmpeg/runner';
import { defaultWatermarkSpec, type WatermarkSpec } from '../watermark';
import { AutoChecker } from './autoChecker';
import { describeWith, ffmpegNeed } from '../../../../test/support/needs';


const byName = (r: CheckReport) => Object.fromEntries(r.checks.map((c) => [c.name, c]));

describeWith(ffmpegNeed, 'AutoChecker on clips made with ffmpeg', () => {
  const tmp = tempDir('ct-check-');
  const starts: { msg: string; purpose: unknown }[] = [];
  let decoding = 0;
  let peakDecoding = 0;
  const logger: Logger = {
    log: (_l, msg, f) => {
      if (msg.endsWith(' start')) starts.push({ msg, purpose: f?.purpose });
      if (f?.purpose !== 'check') return;
      if (msg === 'ffmpeg start') peakDecoding = Math.max(peakDecoding, ++decoding);
      if (msg === 'ffmpeg done' || msg === 'ffmpeg stopped' || msg === 'ffmpeg failed') decoding--;
    },
  };
  let clips: Record<StandardClip, string>;
  let runner: FfmpegRunner;
  let checker: AutoChecker;
  const preview = { durationSec: 2, resolution: { width: 640, height: 360 }, artifactClass: 'preview' as const, audio: true };

  beforeAll(() => {
    clips = makeStandardClips(tmp.dir);
    runner = new FfmpegRunner({ ffmpegPath: mediaBinaries!.ffmpeg, ffprobePath: mediaBinaries!.ffprobe, logger });
    checker = new AutoChecker({ runner, logger, defaultWatermark: defaultWatermarkSpec() });
  }, 120_000);
  afterAll(async () => {
    checker.dispose();
    await runner.dispose();
    tmp.cleanup();
  });

  it('passes a good watermarked preview with ONE ffprobe and ONE ffmpeg decode', async () => {
    starts.length = 0;
    const r = await checker.check(clips.goodWatermarked, preview);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(starts.sort((a, b) => a.msg.localeCompare(b.msg))).toEqual([
      { msg: 'ffmpeg start', purpose: 'check' },
      { msg: 'ffprobe start', purpose: 'probe' },
    ]);
    const c = byName(r);
    expect(c.decode!.value).toBe(2);
    expect(c.watermark!.value as number).toBeGreaterThan(0.9);
  });

  it('fails a preview without the watermark, and passes it as a release', async () => {
    expect(byName(await checker.check(clips.good, preview)).watermark).toMatchObject({ ok: false });
    const rel = await checker.check(clips.good, { ...preview, artifactClass: 'release' });
    expect(rel.ok).toBe(true);
    expect(byName(rel).watermark!.value as number).toBeLessThan(0.3);
    expect(byName(await checker.check(clips.goodWatermarked, { ...preview, artifactClass: 'release' })).watermark!.ok).toBe(false);
  });

  it('finds the watermark on the lead provider\'s preview size (912x512) too', async () => {
    const f = makeClip(tmp.dir, 'p512.mp4', { width: 912, height: 512, durationSec: 3, watermark: true });
    const r = await checker.check(f, { durationSec: 3, resolution: { width: 912, height: 512 }, artifactClass: 'preview' });
    expect(r.ok, JSON.stringify(r)).toBe(true);
  });

  it('fails black and frozen clips with their share', async () => {
    const black = byName(await checker.check(clips.black, preview));
    expect(black.black).toMatchObject({ ok: false, value: 100 });
    expect(black.watermark!.ok).toBe(true);
    const frozen = byName(await checker.check(clips.frozen, { durationSec: 2 }));
    expect(frozen.freeze!.ok).toBe(false);
    expect(frozen.freeze!.value as number).toBeGreaterThan(70);
    expect(frozen.black!.ok).toBe(true);
  });

  it('fails a truncated file whose header still claims 5 s', async () => {
    const r = await checker.check(clips.truncated, { durationSec: 5 });
    expect(r.ok).toBe(false);
    expect(byName(r).decode!.detail).toMatch(/header claims 5\.00 s.*truncated or damaged/);
    expect(byName(r).duration!.ok).toBe(false);
  });

  it.each([
    ['zeroByte', /the file is empty \(0 bytes\)/],
    ['nonVideo', /Not a readable video file: Invalid data found/],
    ['audioOnly', /no video stream \(audio only, aac\)/],
    ['wrongCodec', /video codec mpeg4 is not accepted/],
  ] as const)('gives %s a clear decode verdict', async (kind, why) => {
    const r = await checker.check(clips[kind], preview);
    expect(r.ok).toBe(false);
    expect(byName(r).decode!.ok).toBe(false);
    expect(byName(r).decode!.detail).toMatch(why);
  });

  it('fails missing or silent audio only when audio was asked', async () => {
    expect(byName(await checker.check(clips.noAudio, preview)).audio).toMatchObject({ ok: false, detail: 'no audio track, but audio was asked' });
    expect(byName(await checker.check(clips.noAudio, { ...preview, audio: false })).audio!.ok).toBe(true);
    const silent = byName(await checker.check(clips.silentAudio, preview)).audio!;
    expect(silent.ok).toBe(false);
    expect(silent.detail).toMatch(/audio is silent/);
  });

  it('judges the watermark on a frame too small to carry it: missing on a preview, fine on a release', async () => {
    const tiny = makeClip(tmp.dir, 'tiny.mp4', { width: 160, height: 90, durationSec: 1 });
    const r = byName(await checker.check(tiny, { artifactClass: 'preview' }));
    expect(r.decode!.ok).toBe(true);
    expect(r.watermark).toMatchObject({ ok: false, value: null });
    expect(r.watermark!.detail).toContain('too small');
    expect(byName(await checker.check(tiny, { artifactClass: 'release' })).watermark!.ok).toBe(true);
  });

  it('throws NOT_FOUND for a missing path and VALIDATION for a folder', async () => {
    await expect(checker.check(join(tmp.dir, 'nope.mp4'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(checker.check(tmp.dir)).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('matches a watermark a user registered for a provider (other image, other corner, with transparency)', async () => {
    const img = join(tmp.dir, 'their-badge.png');
    const w = 120;
    const h = 40;
    const px = Buffer.alloc(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const on = ((x >> 3) + (y >> 3)) % 2 === 0;
        px.set([on ? 250 : 30, on ? 200 : 30, on ? 40 : 90, x < 10 ? 0 : 255], (y * w + x) * 4);
      }
    }
    await sharp(px, { raw: { width: w, height: h, channels: 4 } }).png().toFile(img);
    const spec: WatermarkSpec = { imageFile: img, corner: 'top-left', marginPx: 24 };
    const f = makeClip(tmp.dir, 'theirs.mp4', { watermark: spec });
    expect(byName(await checker.check(f, { artifactClass: 'preview', watermark: spec })).watermark!.ok).toBe(true);
    // The bundled badge is not there.
    expect(byName(await checker.check(f, { artifactClass: 'preview' })).watermark!.ok).toBe(false);
  });

  it('runs a batch through a pool sized to the cores, never more decodes at once', async () => {
    const small = new AutoChecker({ runner, logger, defaultWatermark: defaultWatermarkSpec(), concurrency: 2 });
    peakDecoding = 0;
    const files = [clips.good, clips.goodWatermarked, clips.black, clips.frozen, clips.noAudio, clips.silentAudio];
    const reports = await Promise.all(files.map((f) => small.check(f)));
    expect(reports.map((r) => r.checks.length)).toEqual(files.map(() => 7));
    expect(peakDecoding).toBe(2);
    expect(decoding).toBe(0);
    expect(new AutoChecker({ runner, logger, defaultWatermark: defaultWatermarkSpec() }).concurrency).toBeGreaterThanOrEqual(1);
    small.dispose();
  });

  it('gives the same verdicts with deblocking skipped (the default) as with a full-quality decode', async () => {
    // x264 ultrafast turns deblocking off, so these clips use veryfast, where it is on.
    const files = [
      makeClip(tmp.dir, 'vf-wm.mp4', { width: 912, height: 512, watermark: true, preset: 'veryfast' }),
      makeClip(tmp.dir, 'vf-black.mp4', { picture: 'black', preset: 'veryfast' }),
      makeClip(tmp.dir, 'vf-frozen.mp4', { picture: 'frozen', preset: 'veryfast' }),
    ];
    const full = new AutoChecker({ runner, logger, defaultWatermark: defaultWatermarkSpec(), skipLoopFilter: false });
    for (const f of files) {
      const fast = await checker.check(f, { artifactClass: 'preview', audio: true });
      const exact = await full.check(f, { artifactClass: 'preview', audio: true });
      expect(fast.checks.map((c) => [c.name, c.ok]), f).toEqual(exact.checks.map((c) => [c.name, c.ok]));
      const score = (r: CheckReport) => r.checks.find((c) => c.name === 'watermark')!.value as number;
      expect(Math.abs(score(fast) - score(exact))).toBeLessThan(0.05);
    }
    full.dispose();
  });

  it('cancels a running check', async () => {
    const long = makeClip(tmp.dir, 'long.mp4', { durationSec: 15 });
    const ac = new AbortController();
    const p = checker.check(long, {}, ac.signal);
    setTimeout(() => ac.abort(), 30);
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(runner.liveCount).toBe(0);
  });

  it('cancels while the probe is still out, leaving no rejection unhandled', async () => {
    // The probe's answer is held back, so the decode is cancelled first (a clean-clone CI run hit this
    // order under load: the decode's CANCELLED was reported as an unhandled rejection).
    class SlowProbe extends FfmpegRunner {
      override async run(req: Parameters<FfmpegRunner['run']>[0]) {
        const r = super.run(req);
        if (req.tool !== 'ffprobe') return r;
        try {
          return await r;
        } finally {
          await new Promise((res) => setTimeout(res, 400));
        }
      }
    }
    const slow = new SlowProbe({ ffmpegPath: mediaBinaries!.ffmpeg, ffprobePath: mediaBinaries!.ffprobe, logger });
    const c = new AutoChecker({ runner: slow, logger, defaultWatermark: defaultWatermarkSpec() });
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const long = makeClip(tmp.dir, 'long2.mp4', { durationSec: 15 });
      const ac = new AbortController();
      const p = c.check(long, {}, ac.signal);
      setTimeout(() => ac.abort(), 100);
      await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
      await new Promise((res) => setTimeout(res, 50));
      expect(unhandled).toEqual([]);
      expect(slow.liveCount).toBe(0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      c.dispose();
      await slow.dispose();
    }
  });
});
