import { parseRatio, pixels, resolutionLines, shortSide } from './pictures';

/**
 * The release picture for a preview: the same framing (aspect within 2 %) at the largest size the model
 * renders and the plan's release cap allows — "only the shortlist gets 1080p". Keeps the preview's ratio
 * when the model has nothing bigger in that framing. Pure.
 */
export function releaseRatio(previewRatio: string, modelRatios: readonly string[], releaseCap: string | null): string {
  const p = parseRatio(previewRatio);
  const aspect = p.width / p.height;
  const cap = releaseCap ? resolutionLines(releaseCap) : Infinity;
  let best = previewRatio;
  for (const r of modelRatios) {
    const q = parseRatio(r);
    if (Math.abs(q.width / q.height - aspect) / aspect > 0.02) continue;
    if (shortSide(r) > cap) continue;
    if (pixels(r) > pixels(best)) best = r;
  }
  return best;
}
