import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AppError } from '../../../shared/errors';
import { loadSharp } from './loadSharp';
import type { PixelBox } from './ffmpeg/args';
import { prepareTemplate, type MatchTemplate } from './check/templateMatch';

/**
 * The preview watermark: ONE definition of the image, where it sits, and how to find it again.
 * (Interface shared with the local provider and the auto-check: keep it stable.)
 *
 * - The image: `resources/watermark.png`, a 160×48 opaque "PREVIEW" badge (5×7 pixel font scaled ×4,
 *   light on near-black, 2-px border; 239 bytes). It is burned in at its native size — no scaling —
 *   so the checker can match it pixel for pixel at any frame size of 400 px and up.
 * - Placement: bottom-right corner, 16 px from both edges (`DEFAULT_PLACEMENT`).
 * - Burning it in (the local provider, preview takes only): add the image as an input
 *   (`-loop 1 -i <file>`) and join it with `[main][wm]${filter}[out]`, where `{ file, filter } =
 *   burnIn(resourcesDir)`. The filter is a single overlay whose position is an expression of the
 *   frame size, so it works for every ratio.
 * - Finding it: `watermarkBox()` is the exact box the overlay covers; the auto-check crops that box
 *   (plus a small search margin), samples one frame per second during its one decode pass, and scores
 *   it against the template with masked normalized cross-correlation (templateMatch.ts). Expected on
 *   previews, absent on releases.
 * - A user may register another image for a provider (e.g. the provider's own badge, as it appears
 *   in its preview frames, with its corner and margin): see watermarkRegistry.ts. Transparent pixels
 *   (alpha < 50 %) of a registered image are left out of the match.
 */
export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
export const CORNERS: readonly Corner[] = ['top-left', 'top-right', 'bottom-left', 'bottom-right'];

export interface WatermarkPlacement {
  corner: Corner;
  /** Distance from the two edges of that corner, in frame pixels. */
  marginPx: number;
}

export interface WatermarkSpec extends WatermarkPlacement {
  /** A PNG (or any image sharp reads) at the size it appears in the frame. */
  imageFile: string;
}

export const WATERMARK_RESOURCE = 'watermark.png';
export const DEFAULT_PLACEMENT: WatermarkPlacement = { corner: 'bottom-right', marginPx: 16 };
/** Native size of resources/watermark.png. */
export const DEFAULT_WATERMARK_SIZE = { width: 160, height: 48 } as const;

/**
 * The folder holding resources/: the configured one (Electron passes process.resourcesPath when
 * packaged), else the first `resources/` with the watermark found walking up from this module
 * (the repo in dev and tests, out/main/../../ in a dev Electron build).
 */
export function resolveResourcesDir(configured?: string): string {
  if (configured) return configured;
  let dir = import.meta.dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources');
    if (existsSync(join(candidate, WATERMARK_RESOURCE))) return candidate;
    dir = dirname(dir);
  }
  return resolve('resources');
}

export function defaultWatermarkFile(resourcesDir?: string): string {
  return join(resolveResourcesDir(resourcesDir), WATERMARK_RESOURCE);
}

export function defaultWatermarkSpec(resourcesDir?: string): WatermarkSpec {
  return { imageFile: defaultWatermarkFile(resourcesDir), ...DEFAULT_PLACEMENT };
}

/**
 * The overlay for `[main][wm]${filter}[out]`. x/y are expressions of main_w/main_h and the image size,
 * so the same filter is right for every frame size; overlay rounds them down to even numbers for
 * 4:2:0 video, exactly as watermarkBox() does.
 */
export function watermarkOverlayFilter(p: WatermarkPlacement = DEFAULT_PLACEMENT): string {
  const m = Math.max(0, Math.round(p.marginPx));
  const x = p.corner.endsWith('right') ? `main_w-overlay_w-${m}` : `${m}`;
  const y = p.corner.startsWith('bottom') ? `main_h-overlay_h-${m}` : `${m}`;
  return `overlay=x=${x}:y=${y}:format=auto`;
}

/** What the local provider needs to burn the preview watermark in: the image file and the overlay filter. */
export function burnIn(resourcesDir?: string, spec?: WatermarkSpec): { file: string; filter: string } {
  const s = spec ?? defaultWatermarkSpec(resourcesDir);
  return { file: s.imageFile, filter: watermarkOverlayFilter(s) };
}

/** The pixels the watermark covers in a frame (clipped to the frame). */
export function watermarkBox(frame: { width: number; height: number }, image: { width: number; height: number }, p: WatermarkPlacement): PixelBox {
  const m = Math.max(0, Math.round(p.marginPx));
  const even = (n: number) => Math.max(0, Math.floor(n) & ~1);
  const x = p.corner.endsWith('right') ? even(frame.width - image.width - m) : even(m);
  const y = p.corner.startsWith('bottom') ? even(frame.height - image.height - m) : even(m);
  return { x, y, width: Math.min(image.width, frame.width - x), height: Math.min(image.height, frame.height - y) };
}

/**
 * The crop the checker's ffmpeg takes from every sampled frame: the watermark box grown by a search
 * margin, as expressions of the frame size (iw/ih) so the decode can start before the probe answers,
 * scaled to a fixed size for the matcher. min/max keep it valid on frames too small to carry the watermark
 * (then `matchPlan` says so and the samples are ignored).
 */
export interface WatermarkCrop {
  expr: { x: string; y: string; width: string; height: string };
  outWidth: number;
  outHeight: number;
  template: MatchTemplate;
  /** Scale from frame pixels to matcher pixels. */
  scale: number;
}

export interface MatchPlan {
  /** Where the template should sit in the scaled crop if the watermark is exactly in place. */
  expected: { x: number; y: number };
  /** How far (scaled pixels) the search may move from `expected`. */
  radius: number;
}

export interface LoadedWatermark {
  spec: WatermarkSpec;
  width: number;
  height: number;
  /** RGBA at native size. */
  rgba: Buffer;
}

/** Reads the watermark image once (sharp, size-checked). */
export async function loadWatermark(spec: WatermarkSpec): Promise<LoadedWatermark> {
  if (!existsSync(spec.imageFile)) {
    throw new AppError('NOT_FOUND', `The watermark image ${spec.imageFile} does not exist. Register the image again, or reinstall Circle Take.`, {
      field: 'imageFile',
    });
  }
  try {
    const sharp = await loadSharp();
    const { data, info } = await sharp(spec.imageFile, { limitInputPixels: 2048 * 2048 })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.width < 8 || info.height < 8 || info.width > 1920 || info.height > 1080) {
      throw new AppError('VALIDATION', `A watermark image must be 8–1920 px wide and 8–1080 px high (this one is ${info.width}×${info.height}).`, {
        field: 'imageFile',
      });
    }
    return { spec, width: info.width, height: info.height, rgba: data };
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('MEDIA_UNSUPPORTED', `The watermark image could not be read (${(e as Error).message}). Use a PNG.`, { field: 'imageFile' }, { cause: e });
  }
}

/** Template matching works on at most this many pixels across; larger images are scaled down. */
const WORK_WIDTH = 80;
/** Search margin around the expected box, in frame pixels (even). */
const PAD = 8;

const evenUp = (n: number) => Math.ceil(n / 2) * 2;
const evenDown = (n: number) => Math.floor(n / 2) * 2;

/** Crop geometry in frame pixels for a frame of the given size (what ffmpeg's expressions evaluate to). */
function cropGeometry(wm: LoadedWatermark, frame?: { width: number; height: number }) {
  const m = Math.max(0, Math.round(wm.spec.marginPx));
  const edgePad = Math.min(PAD, m);
  const width = evenUp(PAD + wm.width + edgePad);
  const height = evenUp(PAD + wm.height + edgePad);
  const right = wm.spec.corner.endsWith('right');
  const bottom = wm.spec.corner.startsWith('bottom');
  const xFromEnd = m + wm.width + PAD;
  const yFromEnd = m + wm.height + PAD;
  const xFixed = m - edgePad;
  const yFixed = m - edgePad;
  const x = frame ? (right ? frame.width - xFromEnd : xFixed) : 0;
  const y = frame ? (bottom ? frame.height - yFromEnd : yFixed) : 0;
  return { width, height, right, bottom, xFromEnd, yFromEnd, xFixed, yFixed, x, y };
}

export function watermarkCrop(wm: LoadedWatermark): WatermarkCrop {
  const g = cropGeometry(wm);
  const scale = Math.min(1, WORK_WIDTH / wm.width);
  const template = prepareTemplate(wm.rgba, wm.width, wm.height, Math.max(1, Math.round(wm.width * scale)), Math.max(1, Math.round(wm.height * scale)));
  return {
    expr: {
      x: g.right ? `'max(0,iw-${g.xFromEnd})'` : String(g.xFixed),
      y: g.bottom ? `'max(0,ih-${g.yFromEnd})'` : String(g.yFixed),
      width: `'min(${g.width},iw)'`,
      height: `'min(${g.height},ih)'`,
    },
    outWidth: Math.max(1, Math.round(g.width * scale)),
    outHeight: Math.max(1, Math.round(g.height * scale)),
    template,
    scale,
  };
}

/** Where to look inside the scaled crop for this frame size; null when the frame cannot carry the watermark. */
export function matchPlan(wm: LoadedWatermark, crop: WatermarkCrop, frame: { width: number; height: number }): MatchPlan | null {
  const g = cropGeometry(wm, frame);
  if (g.x < 0 || g.y < 0 || g.x + g.width > frame.width || g.y + g.height > frame.height) return null;
  const box = watermarkBox(frame, wm, wm.spec);
  if (box.width < wm.width || box.height < wm.height) return null;
  // ffmpeg's crop rounds x/y down to even for 4:2:0 video, as overlay does for the box.
  return {
    expected: { x: Math.round((box.x - evenDown(g.x)) * crop.scale), y: Math.round((box.y - evenDown(g.y)) * crop.scale) },
    radius: Math.ceil(PAD * crop.scale) + 1,
  };
}
