import { describe, expect, it } from 'vitest';
import { fmtTimecode, frameOf, snapToFrame } from './timecode';

describe('timecode', () => {
  it('names minutes, seconds and the frame within the second', () => {
    expect(fmtTimecode(0)).toBe('0:00:00');
    expect(fmtTimecode(1.25)).toBe('0:01:06');
    expect(fmtTimecode(61 + 23 / 24)).toBe('1:01:23');
    // The last frame of a second rounds into the next second, not to frame 24.
    expect(fmtTimecode(1.999)).toBe('0:02:00');
  });

  it('snaps a time to the start of its frame', () => {
    expect(frameOf(2 / 24 + 0.001)).toBe(2);
    expect(snapToFrame(0.51)).toBeCloseTo(12 / 24, 10);
  });
});
