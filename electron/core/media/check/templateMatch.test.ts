import { describe, expect, it } from 'vitest';
import { bestMatch, nccAt, prepareTemplate, scoreFrames } from './templateMatch';

/** A 16×8 RGBA test pattern: stripes, opaque unless `alphaHole`. */
function pattern(alphaHole = false): Uint8Array {
  const w = 16;
  const h = 8;
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = (x + y * 3) % 5 < 2 ? 230 : 20;
      const o = (y * w + x) * 4;
      out.set([v, v, v, alphaHole && x < 4 ? 0 : 255], o);
    }
  }
  return out;
}

/** A gray frame (fw×fh) filled with noise, with the template's gray stamped at (ox, oy), scaled by gain+offset. */
function frameWith(t: Uint8Array, fw: number, fh: number, ox: number, oy: number, gain = 0.8, offset = 16, seed = 1): Uint8Array {
  const f = new Uint8Array(fw * fh);
  let s = seed;
  for (let i = 0; i < f.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    f[i] = s % 256;
  }
  for (let y = 0; y < 8; y++) for (let x = 0; x < 16; x++) f[(oy + y) * fw + ox + x] = Math.round(t[(y * 16 + x) * 4]! * gain + offset);
  return f;
}

describe('template matching', () => {
  it('scores ~1 where the template is (despite gain/offset) and low on noise', () => {
    const rgba = pattern();
    const t = prepareTemplate(rgba, 16, 8, 16, 8);
    const f = frameWith(rgba, 40, 20, 12, 6);
    expect(nccAt(f, 40, t, 12, 6)).toBeGreaterThan(0.99);
    expect(nccAt(f, 40, t, 2, 2)).toBeLessThan(0.5);
    expect(bestMatch(f, 40, 20, t, { x: 10, y: 5 }, 3)).toBeGreaterThan(0.99);
    // Outside the search radius it is not found.
    expect(bestMatch(f, 40, 20, t, { x: 0, y: 0 }, 2)).toBeLessThan(0.6);
  });

  it('leaves transparent template pixels out of the match', () => {
    const t = prepareTemplate(pattern(true), 16, 8, 16, 8);
    expect(t.values.length).toBe(12 * 8);
    const f = frameWith(pattern(), 40, 20, 12, 6);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 4; x++) f[(6 + y) * 40 + 12 + x] = 255 - f[(6 + y) * 40 + 12 + x]!;
    expect(nccAt(f, 40, t, 12, 6)).toBeGreaterThan(0.99);
  });

  it('scores a flat region or a flat template as 0', () => {
    const t = prepareTemplate(pattern(), 16, 8, 16, 8);
    expect(nccAt(new Uint8Array(40 * 20).fill(16), 40, t, 0, 0)).toBe(0);
    const flat = prepareTemplate(new Uint8Array(16 * 8 * 4).fill(255), 16, 8, 16, 8);
    expect(flat.norm).toBe(0);
  });

  it('downscales by area and takes the median over frames', () => {
    const t = prepareTemplate(pattern(), 16, 8, 8, 4);
    expect([t.width, t.height]).toEqual([8, 4]);
    const good = new Uint8Array(20 * 10);
    // frames: two with the half-size template (a 2×2 average of the pattern), one of noise
    const half = new Uint8Array(20 * 10);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 8; x++) half[(3 + y) * 20 + 5 + x] = Math.round(t.values[y * 8 + x]! + 128);
    const noise = frameWith(pattern(), 20, 10, 0, 0, 0, 0, 7);
    const raw = new Uint8Array([...half, ...half, ...noise, ...good.subarray(0, 50)]);
    const s = scoreFrames(raw, 20, 10, t, { x: 5, y: 3 }, 2);
    expect(s.frames).toBe(3);
    expect(s.score).toBeGreaterThan(0.99);
    expect(scoreFrames(new Uint8Array(0), 20, 10, t, { x: 5, y: 3 }, 2)).toEqual({ score: 0, frames: 0, perFrame: [] });
  });
});
