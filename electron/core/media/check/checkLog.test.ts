import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coveredSeconds, isInterestingLine, parseDetectorLog, parseLogLine } from './checkLog';

// stderr captured from the check's ffmpeg command (`-loglevel level+info`) on clips made by test/support/clips.ts.
const log = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8').split('\n');

describe('check log parser on captured stderr', () => {
  it('black clip (2018 static): one black run over the clip, an open freeze, the audio level', () => {
    const d = parseDetectorLog(log('check-black-2018-static.log'));
    expect(d.black).toEqual([{ start: 0, end: 1.95833 }]);
    expect(d.freeze).toEqual([{ start: 0, end: null }]);
    expect(d.volume).toEqual({ meanDb: -24.1, maxDb: -20.7 });
    expect(d.errors).toEqual([]);
  });

  it('frozen clip: the freeze starts after the moving half second', () => {
    const d = parseDetectorLog(log('check-frozen-2018-static.log'));
    expect(d.black).toEqual([]);
    expect(d.freeze).toEqual([{ start: 0.416667, end: null }]);
  });

  it('silent audio (Debian 5.1): -91 dB', () => {
    expect(parseDetectorLog(log('check-silent-5.1-debian.log')).volume).toEqual({ meanDb: -91, maxDb: -91 });
  });

  it('corrupt clip: decoder errors are found by their level tag', () => {
    const d = parseDetectorLog(log('check-corrupt-2018-static.log'));
    expect(d.errors[0]).toBe('mb_type 50 in I slice too large at 8 21');
    expect(d.errors.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps only lines that matter while running', () => {
    const all = log('check-black-2018-static.log');
    const kept = all.filter(isInterestingLine);
    expect(kept.length).toBeLessThan(all.length / 2);
    expect(parseDetectorLog(kept)).toEqual(parseDetectorLog(all));
  });
});

describe('log line and interval helpers', () => {
  it('splits context, level and text', () => {
    expect(parseLogLine('[blackdetect @ 0x55d1] [info] black_start:0')).toEqual({ context: 'blackdetect', level: 'info', text: 'black_start:0' });
    expect(parseLogLine('[fatal] x: corrupt')).toEqual({ context: null, level: 'fatal', text: 'x: corrupt' });
    expect(parseLogLine('plain')).toEqual({ context: null, level: null, text: 'plain' });
  });

  it('reads a closed freeze and -inf volume', () => {
    const d = parseDetectorLog([
      '[freezedetect @ 0x1] [info] lavfi.freezedetect.freeze_start: 1.5',
      '[freezedetect @ 0x1] [info] lavfi.freezedetect.freeze_duration: 2',
      '[freezedetect @ 0x1] [info] lavfi.freezedetect.freeze_end: 3.5',
      '[Parsed_volumedetect_0 @ 0x2] [info] mean_volume: -inf dB',
      '[Parsed_volumedetect_0 @ 0x2] [info] max_volume: -inf dB',
    ]);
    expect(d.freeze).toEqual([{ start: 1.5, end: 3.5 }]);
    expect(d.volume).toEqual({ meanDb: -Infinity, maxDb: -Infinity });
  });

  it('measures covered time: merged overlaps, open ends, and the last frame counted', () => {
    expect(coveredSeconds([{ start: 0, end: 1 }, { start: 0.5, end: 2 }], 10, 0.04)).toBeCloseTo(2);
    expect(coveredSeconds([{ start: 8, end: null }], 10, 0.04)).toBeCloseTo(2);
    expect(coveredSeconds([{ start: 0, end: 9.96 }], 10, 0.04)).toBeCloseTo(10);
    expect(coveredSeconds([{ start: -1, end: 0.5 }, { start: 3, end: 2 }], 10, 0.04)).toBeCloseTo(0.5);
    expect(coveredSeconds([], 10, 0.04)).toBe(0);
  });
});
