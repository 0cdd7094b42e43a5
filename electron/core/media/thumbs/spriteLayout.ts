/** Pure geometry of a scrub sprite: frames laid left to right, then top to bottom. */
export interface SpriteMeta {
  frames: number;
  columns: number;
  rows: number;
  frameWidth: number;
  frameHeight: number;
  /** Seconds of video between two sprite frames. */
  intervalSec: number;
}

export function spriteLayout(frames: number, maxColumns: number, frameWidth: number, frameHeight: number, durationSec: number): SpriteMeta {
  const n = Math.max(1, Math.floor(frames));
  const columns = Math.max(1, Math.min(Math.floor(maxColumns), n));
  return {
    frames: n,
    columns,
    rows: Math.ceil(n / columns),
    frameWidth: Math.max(1, Math.round(frameWidth)),
    frameHeight: Math.max(1, Math.round(frameHeight)),
    intervalSec: Math.max(0.001, durationSec / n),
  };
}

