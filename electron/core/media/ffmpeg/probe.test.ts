import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProbe, parseRate } from './probe';

// Captured from ffprobe on clips made by test/support/clips.ts (paths shortened).
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('parseProbe', () => {
  it('reads video and audio streams from ffprobe 4.0.2 JSON, numbers coerced from strings', () => {
    const p = parseProbe(fixture('probe-good-ffprobe-4.0.2.json'));
    expect(p.formatName).toContain('mp4');
    expect(p.video).toMatchObject({ codec: 'h264', width: 640, height: 360, fps: 24, frameCount: 48, pixFmt: 'yuv420p' });
    expect(p.video!.durationSec).toBeCloseTo(2, 2);
    expect(p.audio).toMatchObject({ codec: 'aac', sampleRate: 48000, channels: 2, layout: 'stereo' });
    expect(p.sizeBytes).toBeGreaterThan(1000);
  });

  it('reports the full duration a truncated file claims (ffprobe 5.1): a probe alone cannot catch truncation', () => {
    const p = parseProbe(fixture('probe-truncated-ffprobe-5.1.json'));
    expect(p.video!.durationSec).toBe(5);
    expect(p.video!.frameCount).toBe(120);
  });

  it('has no video for an audio-only file', () => {
    const p = parseProbe(fixture('probe-audio-only-ffprobe-4.0.2.json'));
    expect(p.video).toBeNull();
    expect(p.audio?.codec).toBe('aac');
  });

  it('ignores cover art (attached_pic) as video', () => {
    const p = parseProbe(
      JSON.stringify({
        streams: [
          { index: 0, codec_type: 'audio', codec_name: 'mp3', sample_rate: '44100', channels: 2 },
          { index: 1, codec_type: 'video', codec_name: 'png', width: 500, height: 500, disposition: { attached_pic: 1 } },
        ],
        format: { format_name: 'mp3', duration: '3.0' },
      }),
    );
    expect(p.video).toBeNull();
    expect(p.durationSec).toBe(3);
  });

  it('refuses output that is not ffprobe JSON with MEDIA_UNSUPPORTED', () => {
    expect(() => parseProbe('not json')).toThrow(expect.objectContaining({ code: 'MEDIA_UNSUPPORTED' }));
    expect(() => parseProbe(JSON.stringify({ streams: [{ index: 'zero' }] }))).toThrow(/expected shape/);
    expect(() => parseProbe(JSON.stringify({ streams: [{ index: 0, codec_type: 'video', width: 2, height: 2, duration: 'abc' }] }))).toThrow(/must be a number/);
  });

  it('parses frame rates', () => {
    expect(parseRate('24/1')).toBe(24);
    expect(parseRate('30000/1001')).toBeCloseTo(29.97, 2);
    expect(parseRate('25')).toBe(25);
    expect(parseRate('0/0')).toBeNull();
    expect(parseRate('x')).toBeNull();
    expect(parseRate(undefined)).toBeNull();
  });
});
