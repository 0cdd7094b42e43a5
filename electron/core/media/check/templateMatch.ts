/**
 * Pure template matching for the watermark check: masked, zero-mean normalized cross-correlation
 * (NCC) of a gray template against gray crops, searched over a small window. NCC ignores brightness
 * and contrast changes (limited-range video, compression), so an opaque badge burned in and re-encoded
 * scores near 1, and unrelated picture content scores near 0.
 */
export interface MatchTemplate {
  width: number;
  height: number;
  /** Template x/y of each pixel that takes part (alpha ≥ 50 %). */
  xs: Int32Array;
  ys: Int32Array;
  /** Zero-mean gray value of each taking-part pixel. */
  values: Float64Array;
  /** sqrt(Σ values²); 0 for a flat template (which can never match). */
  norm: number;
}

/** BT.601 luma, as ffmpeg uses when it converts an RGB overlay into 4:2:0 video. */
const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;

/**
 * Area-averages RGBA (w×h) down to tw×th, then keeps pixels whose alpha is at least half.
 * Each output pixel averages the source pixels whose centres fall inside its footprint.
 */
export function prepareTemplate(rgba: Uint8Array, w: number, h: number, tw: number, th: number): MatchTemplate {
  const gray: number[] = [];
  const keepX: number[] = [];
  const keepY: number[] = [];
  for (let y = 0; y < th; y++) {
    const sy0 = Math.floor((y * h) / th);
    const sy1 = Math.max(sy0 + 1, Math.floor(((y + 1) * h) / th));
    for (let x = 0; x < tw; x++) {
      const sx0 = Math.floor((x * w) / tw);
      const sx1 = Math.max(sx0 + 1, Math.floor(((x + 1) * w) / tw));
      let sum = 0;
      let alpha = 0;
      let n = 0;
      for (let sy = sy0; sy < sy1; sy++) {
        for (let sx = sx0; sx < sx1; sx++) {
          const o = (sy * w + sx) * 4;
          sum += luma(rgba[o]!, rgba[o + 1]!, rgba[o + 2]!);
          alpha += rgba[o + 3]!;
          n++;
        }
      }
      if (alpha / n >= 128) {
        gray.push(sum / n);
        keepX.push(x);
        keepY.push(y);
      }
    }
  }
  const mean = gray.length > 0 ? gray.reduce((a, b) => a + b, 0) / gray.length : 0;
  const values = Float64Array.from(gray, (g) => g - mean);
  const norm = Math.sqrt(values.reduce((a, v) => a + v * v, 0));
  return { width: tw, height: th, xs: Int32Array.from(keepX), ys: Int32Array.from(keepY), values, norm };
}

/** NCC of the template placed at (ox, oy) in a gray frame of width fw. */
export function nccAt(frame: Uint8Array, fw: number, t: MatchTemplate, ox: number, oy: number): number {
  const n = t.values.length;
  if (n === 0 || t.norm === 0) return 0;
  let sf = 0;
  let sff = 0;
  let stf = 0;
  for (let i = 0; i < n; i++) {
    const f = frame[(oy + t.ys[i]!) * fw + ox + t.xs[i]!]!;
    sf += f;
    sff += f * f;
    stf += t.values[i]! * f;
  }
  const varF = sff - (sf * sf) / n;
  if (varF <= 1e-9) return 0;
  return stf / (t.norm * Math.sqrt(varF));
}

/** Best NCC within `radius` of `expected` (positions that would leave the frame are skipped). */
export function bestMatch(frame: Uint8Array, fw: number, fh: number, t: MatchTemplate, expected: { x: number; y: number }, radius: number): number {
  let best = 0;
  for (let oy = expected.y - radius; oy <= expected.y + radius; oy++) {
    if (oy < 0 || oy + t.height > fh) continue;
    for (let ox = expected.x - radius; ox <= expected.x + radius; ox++) {
      if (ox < 0 || ox + t.width > fw) continue;
      const s = nccAt(frame, fw, t, ox, oy);
      if (s > best) best = s;
    }
  }
  return best;
}

export interface FramesScore {
  /** Median of the per-frame best scores (0 when there were no frames). */
  score: number;
  frames: number;
  perFrame: number[];
}

/**
 * Scores a run of raw gray frames (fw×fh each, back to back, as ffmpeg's `-f rawvideo -pix_fmt gray`
 * writes them). At most `maxFrames` frames, spread evenly, are scored. A trailing partial frame is ignored.
 */
export function scoreFrames(
  raw: Uint8Array,
  fw: number,
  fh: number,
  t: MatchTemplate,
  expected: { x: number; y: number },
  radius: number,
  maxFrames = 12,
): FramesScore {
  const size = fw * fh;
  const total = size > 0 ? Math.floor(raw.length / size) : 0;
  if (total === 0) return { score: 0, frames: 0, perFrame: [] };
  const picks = total <= maxFrames ? [...Array(total).keys()] : [...Array(maxFrames).keys()].map((i) => Math.floor(((i + 0.5) * total) / maxFrames));
  const perFrame = picks.map((i) => bestMatch(raw.subarray(i * size, (i + 1) * size), fw, fh, t, expected, radius));
  const sorted = [...perFrame].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const score = sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { score, frames: perFrame.length, perFrame };
}
