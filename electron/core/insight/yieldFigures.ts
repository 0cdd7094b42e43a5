import type { YieldFigures } from '../../../shared/contract/insightTypes';
import type { CacheHitRow, PublishedRow, SpendRow, TakeMarkRow } from './insightRows';
import { ratio, round } from './insightStats';

/**
 * What a kept take and an approved final really cost.
 * - kept take: a preview a person tagged promising or forced into the shortlist, and nobody discarded;
 * - approved final: a release take that passed its auto-check, with no person's discard or needs-fix on
 *   it, made from a preview nobody discarded;
 * - shipped asset: a take published by an export.
 * Credits per kept take = preview spend ÷ kept takes; credits per approved final = all spend (the
 * previews that led to it included) ÷ approved finals. Spend is net of refunds.
 */
export function isKept(t: TakeMarkRow): boolean {
  return t.artifactClass === 'preview' && (t.hasPromising || t.isOverrideIn) && !t.hasDiscard;
}

export function isApprovedFinal(t: TakeMarkRow): boolean {
  return t.artifactClass === 'release' && t.checkStatus === 'passed' && !t.hasDiscard && !t.hasNeedsFix && !t.sourceHasDiscard;
}

export function yieldFigures(args: {
  spend: readonly SpendRow[];
  takes: readonly TakeMarkRow[];
  published: readonly PublishedRow[];
  cacheHits: readonly CacheHitRow[];
}): YieldFigures {
  const previewCredits = args.spend.filter((r) => r.artifactClass === 'preview').reduce((n, r) => n + r.credits, 0);
  const totalCredits = args.spend.reduce((n, r) => n + r.credits, 0);
  // 0 − x, not −x: no refunds is 0, never −0.
  const refunded = 0 - args.spend.filter((r) => r.kind === 'refund').reduce((n, r) => n + r.credits, 0);
  const keptTakes = args.takes.filter(isKept).length;
  const approvedFinals = args.takes.filter(isApprovedFinal).length;
  const perKept = ratio(previewCredits, keptTakes);
  const perFinal = ratio(totalCredits, approvedFinals);
  return {
    keptTakes,
    approvedFinals,
    shippedAssets: args.published.length,
    previewCredits,
    totalCredits,
    creditsPerKeptTake: perKept === null ? null : round(perKept, 2),
    creditsPerApprovedFinal: perFinal === null ? null : round(perFinal, 2),
    cacheHits: args.cacheHits.length,
    creditsSaved: args.cacheHits.reduce((n, c) => n + c.creditsSaved, 0),
    refunded,
  };
}
