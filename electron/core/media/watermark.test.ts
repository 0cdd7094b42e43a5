import { describe, expect, it } from 'vitest';
import { burnIn, DEFAULT_PLACEMENT, DEFAULT_WATERMARK_SIZE, defaultWatermarkFile, loadWatermark, matchPlan, watermarkBox, watermarkCrop, watermarkOverlayFilter } from './watermark';
import { existsSync, statSync } from 'node:fs';

describe('the preview watermark', () => {
  it('is a small checked-in PNG of the documented size', async () => {
    const file = defaultWatermarkFile();
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).size).toBeLessThan(2048);
    const wm = await loadWatermark({ imageFile: file, ...DEFAULT_PLACEMENT });
    expect([wm.width, wm.height]).toEqual([DEFAULT_WATERMARK_SIZE.width, DEFAULT_WATERMARK_SIZE.height]);
  });

  it('gives the local provider one overlay filter for every frame size', () => {
    expect(watermarkOverlayFilter()).toBe('overlay=x=main_w-overlay_w-16:y=main_h-overlay_h-16:format=auto');
    expect(watermarkOverlayFilter({ corner: 'top-left', marginPx: 24 })).toBe('overlay=x=24:y=24:format=auto');
    expect(burnIn()).toEqual({ file: defaultWatermarkFile(), filter: watermarkOverlayFilter() });
  });

  it('puts the box where overlay puts the image (even x/y), per corner', () => {
    const img = { width: 160, height: 48 };
    expect(watermarkBox({ width: 912, height: 512 }, img, DEFAULT_PLACEMENT)).toEqual({ x: 736, y: 448, width: 160, height: 48 });
    expect(watermarkBox({ width: 1280, height: 720 }, { width: 121, height: 41 }, DEFAULT_PLACEMENT)).toEqual({ x: 1142, y: 662, width: 121, height: 41 });
    expect(watermarkBox({ width: 640, height: 360 }, img, { corner: 'top-right', marginPx: 16 })).toEqual({ x: 464, y: 16, width: 160, height: 48 });
    expect(watermarkBox({ width: 640, height: 360 }, img, { corner: 'bottom-left', marginPx: 16 })).toEqual({ x: 16, y: 296, width: 160, height: 48 });
  });

  it('crops around the box with expressions of the frame size, and plans the search per frame size', async () => {
    const wm = await loadWatermark({ imageFile: defaultWatermarkFile(), ...DEFAULT_PLACEMENT });
    const crop = watermarkCrop(wm);
    expect(crop.expr).toEqual({ x: "'max(0,iw-184)'", y: "'max(0,ih-72)'", width: "'min(176,iw)'", height: "'min(64,ih)'" });
    expect([crop.outWidth, crop.outHeight, crop.scale]).toEqual([88, 32, 0.5]);
    expect(matchPlan(wm, crop, { width: 912, height: 512 })).toEqual({ expected: { x: 4, y: 4 }, radius: 5 });
    expect(matchPlan(wm, crop, { width: 176, height: 64 })).toBeNull();
    const tl = await loadWatermark({ imageFile: defaultWatermarkFile(), corner: 'top-left', marginPx: 4 });
    const tlCrop = watermarkCrop(tl);
    expect(tlCrop.expr.x).toBe('0');
    expect(matchPlan(tl, tlCrop, { width: 640, height: 360 })!.expected).toEqual({ x: 2, y: 2 });
  });
});
