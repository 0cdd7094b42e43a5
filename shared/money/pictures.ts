/**
 * Picture sizes as money code sees them: a ratio is a pixel string "1280:720"; "720p" names the short
 * side. Pure and allocation-light (the estimator runs on every keystroke).
 */
export interface Picture {
  width: number;
  height: number;
}

export function parseRatio(ratio: string): Picture {
  const i = ratio.indexOf(':');
  return { width: Number(ratio.slice(0, i)), height: Number(ratio.slice(i + 1)) };
}

export function pixels(ratio: string): number {
  const p = parseRatio(ratio);
  return p.width * p.height;
}

export function shortSide(ratio: string): number {
  const p = parseRatio(ratio);
  return Math.min(p.width, p.height);
}

/** "1080p" → 1080. */
export function resolutionLines(cap: string): number {
  return Number(cap.slice(0, -1));
}

/** The name people use for a picture: its short side, "720p". */
export function resolutionName(ratio: string): string {
  return `${shortSide(ratio)}p`;
}

/**
 * The price tier for a picture: the smallest tier whose short side is at least the picture's, or the
 * largest tier when the picture is bigger than all of them.
 */
export function tierFor<T>(tiers: Record<string, T>, ratio: string): { tier: string; value: T } {
  const side = shortSide(ratio);
  const sorted = Object.keys(tiers).sort((a, b) => resolutionLines(a) - resolutionLines(b));
  const pick = sorted.find((t) => resolutionLines(t) >= side) ?? sorted[sorted.length - 1]!;
  return { tier: pick, value: tiers[pick]! };
}
