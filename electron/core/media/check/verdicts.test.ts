import { describe, expect, it } from 'vitest';
import { CheckReport } from '../../../../shared/contract/media';
import type { ProbeInfo } from '../ffmpeg/probe';
import { DEFAULT_THRESHOLDS, resolveThresholds } from './expectations';
import { buildReport, CHECK_ORDER, type CheckObservations } from './verdicts';

const probe = (over: Partial<ProbeInfo['video'] & object> = {}, audio = true): ProbeInfo => ({
  formatName: 'mov,mp4',
  durationSec: 5,
  sizeBytes: 1000,
  video: { index: 0, codec: 'h264', width: 912, height: 512, fps: 24, timeBase: '1/12288', durationSec: 5, frameCount: 120, pixFmt: 'yuv420p', ...over },
  audio: audio ? { index: 1, codec: 'aac', sampleRate: 48000, channels: 2, layout: 'stereo', durationSec: 5 } : null,
});

const good: CheckObservations = {
  unreadable: null,
  probe: probe(),
  decode: { isComplete: true, frames: 120, outTimeSec: 5.01 },
  log: { black: [], freeze: [], volume: { meanDb: -24, maxDb: -18 }, errors: [] },
  watermark: { score: 0.97, frames: 5 },
};
const t = DEFAULT_THRESHOLDS;
const byName = (r: CheckReport) => Object.fromEntries(r.checks.map((c) => [c.name, c]));

describe('check verdicts', () => {
  it('passes a good preview, every check present in order, matching the CLI JSON schema', () => {
    const r = buildReport(good, { durationSec: 5, resolution: { width: 912, height: 512 }, artifactClass: 'preview', audio: true }, t);
    expect(CheckReport.parse(r)).toEqual(r);
    expect(r.checks.map((c) => c.name)).toEqual(CHECK_ORDER);
    expect(r.ok).toBe(true);
    expect(byName(r).duration!.value).toBe(5);
    expect(byName(r).resolution!.value).toBe('912x512');
    expect(byName(r).audio!.value).toBe(-18);
    expect(byName(r).watermark!.value).toBe(0.97);
  });

  it('reports black as a percentage and fails at the plan threshold', () => {
    const obs = { ...good, log: { ...good.log!, black: [{ start: 0, end: 4.1 }] } };
    const r = byName(buildReport(obs, {}, t));
    expect(r.black).toMatchObject({ ok: false, value: 82 });
    expect(r.black!.detail).toBe('black: 82 % of the clip (fails at 50 % or more)');
    expect(byName(buildReport(obs, { thresholds: { maxBlackShare: 0.9 } }, resolveThresholds({ maxBlackShare: 0.9 }))).black!.ok).toBe(true);
  });

  it('fails a frozen picture, counting an open freeze to the end', () => {
    const r = byName(buildReport({ ...good, log: { ...good.log!, freeze: [{ start: 1, end: null }] } }, {}, t));
    expect(r.freeze).toMatchObject({ ok: false, value: 80 });
  });

  it('catches truncation by frame count even when ffmpeg exits cleanly', () => {
    const r = byName(buildReport({ ...good, decode: { isComplete: true, frames: 60, outTimeSec: 2.5 } }, { durationSec: 5 }, t));
    expect(r.decode!.ok).toBe(false);
    expect(r.decode!.detail).toContain('only 2.50 s of the 5.00 s the header claims decodes (60 of 120 frames)');
    expect(r.duration).toMatchObject({ ok: false, value: 2.5 });
  });

  it('does not judge what needs the whole clip when decoding stopped on an error', () => {
    const r = buildReport({ ...good, decode: { isComplete: false, frames: null, outTimeSec: null }, log: { ...good.log!, errors: ['corrupt input packet in stream 0'] } }, { artifactClass: 'preview' }, t);
    const c = byName(r);
    expect(r.ok).toBe(false);
    expect(c.decode).toMatchObject({ ok: false, value: null });
    expect(c.decode!.detail).toContain('corrupt input packet in stream 0');
    expect(c.resolution!.ok).toBe(true);
    for (const n of ['duration', 'black', 'freeze', 'audio', 'watermark']) expect(c[n]).toMatchObject({ ok: false, detail: 'not checked: the clip does not decode to the end' });
  });

  it('names a wrong codec and the accepted ones', () => {
    const r = byName(buildReport({ ...good, probe: probe({ codec: 'mpeg4' }) }, {}, t));
    expect(r.decode!.ok).toBe(false);
    expect(r.decode!.detail).toContain('video codec mpeg4 is not accepted (accepted: h264, hevc, vp9, av1)');
    expect(byName(buildReport({ ...good, probe: probe({ codec: 'mpeg4' }) }, { codecs: ['mpeg4'] }, t)).decode!.ok).toBe(true);
  });

  it('marks every check of an unreadable file as failed, with the reason on decode', () => {
    const r = buildReport({ unreadable: 'the file is empty (0 bytes)', probe: null, decode: null, log: null, watermark: null }, {}, t);
    expect(r.ok).toBe(false);
    expect(r.checks[0]).toEqual({ name: 'decode', ok: false, value: null, detail: 'the file is empty (0 bytes)' });
    expect(r.checks.slice(1).every((c) => !c.ok && c.value === null)).toBe(true);
  });

  it('audio: missing or silent fails only when asked', () => {
    const none = { ...good, probe: probe({}, false), log: { ...good.log!, volume: null } };
    expect(byName(buildReport(none, { audio: true }, t)).audio).toMatchObject({ ok: false, value: null, detail: 'no audio track, but audio was asked' });
    expect(byName(buildReport(none, {}, t)).audio!.ok).toBe(true);
    const silent = { ...good, log: { ...good.log!, volume: { meanDb: -Infinity, maxDb: -Infinity } } };
    expect(byName(buildReport(silent, { audio: true }, t)).audio).toMatchObject({ ok: false, value: -120 });
    expect(byName(buildReport(silent, {}, t)).audio!.ok).toBe(true);
  });

  it('watermark: expected on previews, absent on releases, the plan may override, not judged without a class', () => {
    const without = { ...good, watermark: { score: 0.08, frames: 5 } };
    expect(byName(buildReport(good, { artifactClass: 'preview' }, t)).watermark!.ok).toBe(true);
    expect(byName(buildReport(without, { artifactClass: 'preview' }, t)).watermark!.ok).toBe(false);
    expect(byName(buildReport(good, { artifactClass: 'release' }, t)).watermark!.detail).toContain('a release must be clean');
    expect(byName(buildReport(without, { artifactClass: 'release' }, t)).watermark!.ok).toBe(true);
    expect(byName(buildReport(without, { artifactClass: 'preview', watermarkExpected: false }, t)).watermark!.ok).toBe(true);
    expect(byName(buildReport(good, {}, t)).watermark!.ok).toBe(true);
    const small = { ...good, watermark: { skipped: 'the frame (160x90) is smaller than the 160x48 watermark' } };
    expect(byName(buildReport(small, { artifactClass: 'preview' }, t)).watermark!.ok).toBe(false);
    expect(byName(buildReport(small, { artifactClass: 'release' }, t)).watermark!.ok).toBe(true);
  });

  it('duration and resolution against what was asked', () => {
    const r = byName(buildReport(good, { durationSec: 10, resolution: { width: 1280, height: 720 } }, t));
    expect(r.duration!.detail).toBe('5.00 s decoded, asked 10 s ± 0.5 s (off by 5.00 s)');
    expect(r.resolution).toMatchObject({ ok: false, detail: '912x512, but 1280x720 was asked' });
  });

  it('ignores non-numeric threshold overrides', () => {
    expect(resolveThresholds({ maxBlackShare: Number.NaN, silenceMaxDb: -50 })).toMatchObject({ maxBlackShare: 0.5, silenceMaxDb: -50 });
  });
});
