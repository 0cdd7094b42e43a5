import type { FinalizePlan } from '../../../shared/contract/finalize';

/** A ratio ("1280:720") as its shape ("1.78:1"), or null when unknown. */
export function shapeOf(ratio: string | null): string | null {
  const m = ratio ? /^(\d+):(\d+)$/.exec(ratio) : null;
  if (!m || Number(m[2]) === 0) return null;
  return `${(Number(m[1]) / Number(m[2])).toFixed(2)}:1`;
}

/**
 * The shapes in a finalize batch with the shots of each, when there is more than one: the stitched
 * sequence takes the first shot's frame and the others get black bars, so the user is told first.
 */
export function mixedShapes(items: FinalizePlan['items']): { shape: string; shots: string[] }[] | null {
  const by = new Map<string, string[]>();
  for (const i of items) {
    const s = shapeOf(i.ratio);
    if (!s) continue;
    const shots = by.get(s) ?? [];
    if (!shots.includes(i.shotName)) shots.push(i.shotName);
    by.set(s, shots);
  }
  return by.size > 1 ? [...by].map(([shape, shots]) => ({ shape, shots })) : null;
}
