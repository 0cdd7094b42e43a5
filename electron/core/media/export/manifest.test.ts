import { describe, expect, it } from 'vitest';
import { slugOf, takeFileName } from './manifest';

describe('export file names', () => {
  it('names a final by shot position, shot name and take number', () => {
    expect(takeFileName({ shotPosition: 1, shotName: 'Opening', takeNumber: 3, takeId: 'tk_0000000001' }, 'art_0000000001')).toBe('01-opening_take-3.mp4');
    expect(takeFileName({ shotPosition: 12, shotName: 'Café — night exterior!', takeNumber: 10, takeId: 'tk_0000000001' }, 'art_0000000001')).toBe('12-cafe-night-exterior_take-10.mp4');
  });

  it('keeps names safe whatever the shot is called: no separators, dots or empty names', () => {
    for (const name of ['../../etc/passwd', 'a/b\\\\c', '...', '', '   ', '日本語', 'CON', 'x'.repeat(300)]) {
      const slug = slugOf(name);
      expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(slug.length).toBeLessThanOrEqual(40);
    }
    expect(slugOf('日本語')).toBe('shot');
  });

  it('falls back to the position and take id without a shot name and number', () => {
    expect(takeFileName({ shotPosition: 2, takeId: 'tk_0000000002' }, 'art_0000000002')).toBe('shot-02-tk_0000000002.mp4');
  });
});
