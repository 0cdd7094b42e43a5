import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { feedProgress, initialProgress, parseProgress, progressFraction, type ProgressBlock } from './progress';

// Captured with `-progress pipe:1 -nostats` while encoding a 4 s 720p clip (see fixtures/).
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('progress parser on captured output', () => {
  it.each(['progress-ffmpeg-2018-static.txt', 'progress-ffmpeg-5.1-debian.txt'])('%s: blocks, times and the end', (name) => {
    const blocks = parseProgress(fixture(name));
    expect(blocks.length).toBe(3);
    expect(blocks.slice(0, -1).every((b) => !b.isEnd)).toBe(true);
    const last = blocks[blocks.length - 1]!;
    expect(last.isEnd).toBe(true);
    expect(last.frame).toBe(96);
    expect(last.outTimeSec).toBeGreaterThan(4);
    expect(last.outTimeSec).toBeLessThan(4.1);
    // Time only moves forward.
    const times = blocks.map((b) => b.outTimeSec ?? 0);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(blocks[0]!.speed).toBe(0);
  });

  it('gives the same blocks however the stream is chunked', () => {
    const text = fixture('progress-ffmpeg-2018-static.txt');
    const whole = parseProgress(text);
    for (const size of [1, 7, 64, 333]) {
      let state = initialProgress;
      const got: ProgressBlock[] = [];
      for (let i = 0; i < text.length; i += size) {
        const r = feedProgress(state, text.slice(i, i + size));
        state = r.state;
        got.push(...r.blocks);
      }
      expect(got).toEqual(whole);
    }
  });
});

describe('progress parser edge cases', () => {
  it('falls back to out_time_ms (microseconds) and then to out_time', () => {
    expect(parseProgress('out_time_ms=2500000\nprogress=continue\n')[0]!.outTimeSec).toBe(2.5);
    expect(parseProgress('out_time=00:01:02.500000\nprogress=continue\n')[0]!.outTimeSec).toBe(62.5);
    expect(parseProgress('out_time_us=1000000\nout_time_ms=9\nprogress=continue\n')[0]!.outTimeSec).toBe(1);
  });

  it('reads N/A as null, tolerates CRLF and junk lines', () => {
    const [b] = parseProgress('frame=N/A\r\nout_time_us=N/A\r\nout_time=N/A\r\nspeed=N/A\r\nnot a field\r\nprogress=end\r\n');
    expect(b).toEqual({ frame: null, outTimeSec: null, speed: null, isEnd: true });
  });

  it('keeps a partial line until it completes', () => {
    const a = feedProgress(initialProgress, 'frame=1');
    expect(a.blocks).toEqual([]);
    const b = feedProgress(a.state, '2\nprogress=cont');
    expect(b.blocks).toEqual([]);
    const c = feedProgress(b.state, 'inue\n');
    expect(c.blocks).toEqual([{ frame: 12, outTimeSec: null, speed: null, isEnd: false }]);
  });

  it('turns a block into a fraction of the probed duration, clamped, 1 at the end', () => {
    const at = (t: number | null, isEnd = false): ProgressBlock => ({ frame: null, outTimeSec: t, speed: null, isEnd });
    expect(progressFraction(at(2.5), 10)).toBe(0.25);
    expect(progressFraction(at(12), 10)).toBe(1);
    expect(progressFraction(at(-0.04), 10)).toBe(0);
    expect(progressFraction(at(3), null)).toBe(0);
    expect(progressFraction(at(3), 0)).toBe(0);
    expect(progressFraction(at(null, true), 10)).toBe(1);
  });
});
