import { isAbsolute, resolve } from 'node:path';

/**
 * Pure ffmpeg/ffprobe argument builders. Every builder returns a fresh `string[]` for spawn (never a
 * shell string), always starts with `-hide_banner -nostdin`, and says `-y` or `-n` explicitly.
 *
 * File arguments go through `fileArg`, which makes the path absolute and prefixes `file:` so a name
 * such as `concat:a|b` or `-i` can never be read as a protocol or an option.
 */
export const BASE_ARGS = ['-hide_banner', '-nostdin'] as const;

/** `file:` + absolute path: forces ffmpeg's file protocol for any name. */
export function fileArg(path: string): string {
  return `file:${isAbsolute(path) ? path : resolve(path)}`;
}

/** ffprobe: format and streams as JSON (validated by probe.ts). */
export function probeArgs(file: string): string[] {
  return ['-hide_banner', '-v', 'error', '-show_format', '-show_streams', '-of', 'json', fileArg(file)];
}

/** The bench baseline: a bare full decode of every stream, `ffmpeg -i clip -f null -`. */
export function bareDecodeArgs(file: string): string[] {
  return [...BASE_ARGS, '-y', '-i', fileArg(file), '-f', 'null', '-'];
}

/** A box in pixels. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A crop as numbers or ffmpeg expressions of iw/ih (quoted when they contain commas). */
export interface CropExpr {
  x: number | string;
  y: number | string;
  width: number | string;
  height: number | string;
}

export interface DetectorSettings {
  /** blackdetect pix_th: a pixel darker than this (0..1 of full range) counts as black. */
  blackPixelThreshold: number;
  /** blackdetect pic_th: a picture is black when this share of its pixels is black. */
  blackPictureShare: number;
  /** blackdetect d: shortest black run reported, seconds. */
  blackMinSec: number;
  /** freezedetect n: noise tolerance in dB. */
  freezeNoiseDb: number;
  /** freezedetect d: shortest frozen run reported, seconds. */
  freezeMinSec: number;
}

export interface CheckArgsInput {
  file: string;
  detectors: DetectorSettings;
  /** Map the first audio stream through volumedetect; 'optional' maps it only if the file has one. */
  hasAudio: boolean | 'optional';
  /**
   * When set, a second output samples one frame per second, crops this box, scales it to
   * `outWidth`×`outHeight`, and writes 8-bit gray raw frames to `file` for the template matcher.
   */
  watermarkCrop?: { box: CropExpr; outWidth: number; outHeight: number; file: string };
  /** Skip the H.264 in-loop deblocking filter: ~10 % faster, same detector verdicts. */
  skipLoopFilter: boolean;
  /** Decoder threads (0 = ffmpeg decides). */
  threads: number;
}

/**
 * blackdetect looks at every 2nd decoded frame: the share of black frames is the same to within a frame
 * or two, and it is the costliest detector in this ffmpeg (a plain per-pixel loop), ~12 % of a 1080p
 * check's CPU. Every frame is still decoded and goes through freezedetect.
 */
export const BLACK_FRAME_STEP = 2;

/**
 * The auto-check: ONE process and ONE full decode per clip. Video goes through blackdetect and
 * freezedetect (and optionally a 1-fps watermark crop); audio through volumedetect; `-xerror`
 * stops at the first decode error; `-progress pipe:1` reports the frames actually decoded;
 * `-loglevel level+info` tags every log line with its level so errors are found by level, not by text.
 */
export function checkArgs(c: CheckArgsInput): string[] {
  const d = c.detectors;
  const freeze = `freezedetect=n=${num(d.freezeNoiseDb)}dB:d=${num(d.freezeMinSec)}`;
  const black = `framestep=${BLACK_FRAME_STEP},blackdetect=d=${num(d.blackMinSec)}:pix_th=${num(d.blackPixelThreshold)}:pic_th=${num(d.blackPictureShare)},nullsink`;
  let graph = `[0:v:0]${freeze},split=${c.watermarkCrop ? 3 : 2}[ctv][ctb]${c.watermarkCrop ? '[ctw]' : ''};[ctb]${black}`;
  const outputs: string[] = [];
  if (c.watermarkCrop) {
    const { box, outWidth, outHeight } = c.watermarkCrop;
    graph += `;[ctw]fps=1,crop=w=${box.width}:h=${box.height}:x=${box.x}:y=${box.y},scale=${outWidth}:${outHeight}:flags=area,format=gray[ctwm]`;
  }
  outputs.push('-map', '[ctv]');
  if (c.hasAudio) outputs.push('-map', c.hasAudio === 'optional' ? '0:a:0?' : '0:a:0', '-af', 'volumedetect');
  outputs.push('-f', 'null', '-');
  if (c.watermarkCrop) outputs.push('-map', '[ctwm]', '-f', 'rawvideo', '-pix_fmt', 'gray', fileArg(c.watermarkCrop.file));
  return [
    ...BASE_ARGS,
    '-y',
    '-loglevel',
    'level+info',
    '-xerror',
    '-progress',
    'pipe:1',
    '-nostats',
    ...(c.threads > 0 ? ['-threads', String(c.threads)] : []),
    ...(c.skipLoopFilter ? ['-skip_loop_filter', 'all'] : []),
    '-i',
    fileArg(c.file),
    '-filter_complex',
    graph,
    ...outputs,
  ];
}

/**
 * Thumbnail frames: one decode; `frames` evenly spaced small frames (PNG files `dir/f%03d.png`)
 * for the scrub sprite, and one larger poster frame (`posterFile`) taken at `posterAtSec`.
 */
export function thumbnailFrameArgs(t: {
  file: string;
  durationSec: number;
  frames: number;
  frameWidth: number;
  framePattern: string;
  posterAtSec: number;
  posterWidth: number;
  posterFile: string;
}): string[] {
  const rate = t.frames / Math.max(t.durationSec, 0.04);
  const graph =
    `[0:v:0]split=2[cts][ctp];` +
    `[cts]fps=${num(rate)}:start_time=0,scale=${t.frameWidth}:-2:flags=bilinear[ctsprite];` +
    `[ctp]trim=start=${num(t.posterAtSec)},setpts=PTS-STARTPTS,scale=${t.posterWidth}:-2:flags=bicubic[ctposter]`;
  return [
    ...BASE_ARGS,
    '-y',
    '-loglevel',
    'level+warning',
    '-i',
    fileArg(t.file),
    '-filter_complex',
    graph,
    '-map',
    '[ctsprite]',
    '-frames:v',
    String(t.frames),
    '-f',
    'image2',
    fileArg(t.framePattern),
    '-map',
    '[ctposter]',
    '-frames:v',
    '1',
    '-f',
    'image2',
    fileArg(t.posterFile),
  ];
}

/** A number as ffmpeg wants it in filter arguments: no exponent, at most 6 decimals. */
export function num(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  return Number(n.toFixed(6)).toString();
}

/**
 * The command line as a POSIX shell would need it, for logs only (never executed). Paths carry ids
 * and dates, never prompt text, so logging them is safe.
 */
export function escapeCommandLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
