import { createHash } from 'node:crypto';

/**
 * ffmpeg arguments for the local simulator's clips: real H.264 MP4s whose picture derives from the
 * params (seed, prompt hash, model) — a background colour from the prompt, a tinted moving test
 * pattern whose path comes from the seed, an optional tone, and the preview watermark.
 */
export interface SyntheticClip {
  width: number;
  height: number;
  durationSec: number;
  fps: number;
  /** Hex digest of the normalized prompt + model; drives colours. */
  promptHash: string;
  seed: number;
  hasAudio: boolean;
  /** Overlay the watermark image (preview class). */
  watermark: { file: string; filter: string } | null;
  outFile: string;
}

export function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}

/** Pixel size for a ratio string like "1280:720" (even numbers, at most 4096 a side). */
export function sizeOfRatio(ratio: string | undefined, fallback = { width: 1280, height: 720 }): { width: number; height: number } {
  const m = ratio ? /^(\d+):(\d+)$/.exec(ratio) : null;
  if (!m) return fallback;
  const w = Number(m[1]);
  const h = Number(m[2]);
  const scale = Math.min(1, 4096 / Math.max(w, h));
  return { width: even(w * scale), height: even(h * scale) };
}

export function pictureHash(parts: { prompt: string; model: string; seed?: number }): string {
  return createHash('sha256').update(`${parts.model}\u0000${parts.prompt}\u0000${parts.seed ?? ''}`).digest('hex');
}

export function syntheticClipArgs(c: SyntheticClip): string[] {
  const bg = c.promptHash.slice(0, 6);
  const hue = parseInt(c.promptHash.slice(6, 10), 16) % 360;
  const tileW = even(c.width / 3);
  const tileH = even(c.height / 3);
  const speedX = 0.3 + ((c.seed % 97) / 97) * 0.7;
  const speedY = 0.2 + ((Math.floor(c.seed / 97) % 89) / 89) * 0.6;
  const phase = (c.seed % 360) * (Math.PI / 180);
  const inputs = [
    '-f', 'lavfi', '-i', `color=c=0x${bg}:s=${c.width}x${c.height}:r=${c.fps}:d=${c.durationSec}`,
    '-f', 'lavfi', '-i', `testsrc2=s=${tileW}x${tileH}:r=${c.fps}:d=${c.durationSec}`,
  ];
  let filter =
    `[1:v]hue=h=${hue}:s=1.4[tile];` +
    `[0:v][tile]overlay=x='(W-w)/2+(W-w)/2*sin(t*${speedX.toFixed(3)}*2+${phase.toFixed(3)})':y='(H-h)/2+(H-h)/2*cos(t*${speedY.toFixed(3)}*2)':eval=frame:shortest=1[v0]`;
  let last = 'v0';
  let idx = 2;
  if (c.watermark) {
    inputs.push('-loop', '1', '-i', c.watermark.file);
    filter += `;[v0][${idx}:v]${c.watermark.filter}[v1]`;
    last = 'v1';
    idx++;
  }
  filter += `;[${last}]format=yuv420p[vout]`;
  const audio: string[] = [];
  if (c.hasAudio) {
    const freq = 220 + (parseInt(c.promptHash.slice(10, 14), 16) % 440);
    inputs.push('-f', 'lavfi', '-i', `sine=frequency=${freq}:sample_rate=48000:duration=${c.durationSec}`);
    audio.push('-map', `${idx}:a`, '-c:a', 'aac', '-b:a', '96k', '-ac', '2');
  }
  return [
    '-hide_banner', '-nostdin', '-y',
    ...inputs,
    '-filter_complex', filter,
    '-map', '[vout]',
    ...audio,
    '-t', String(c.durationSec),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'fastdecode', '-g', String(c.fps * 2), '-pix_fmt', 'yuv420p',
    '-movflags', '+faststart',
    '-progress', 'pipe:1', '-nostats',
    '-f', 'mp4', c.outFile,
  ];
}
