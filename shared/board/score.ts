import type { CheckVerdict, StarMark, TagMark, TagName } from '../contract/board';

/**
 * A take's shortlist score, from tags, checks and picks. Pure.
 *   +10 per reviewer who picked it (promising)
 *    −4 per author who says it needs a fix (the auto-check counts as one)
 *   −15 per reviewer who discarded it
 *    +2 when every check passed; −2 per failed check (at most −6); −1 when the check errored
 *    stars − 3 per rating (★★★★★ +2, ★★★★ +1, ★★★ 0, ★★ −1, ★ −2): among picks, the better-rated rank first
 * A take is a shortlist candidate when at least one reviewer picked it and its score is positive.
 */
export const SCORE_WEIGHTS = { starPivot: 3, pick: 10, needsFix: -4, discard: -15, checksPassed: 2, perFailedCheck: -2, maxCheckPenalty: -6, checkError: -1 } as const;

export interface ScoreInput {
  tags: readonly TagMark[];
  /** Star ratings; absent counts as none. */
  stars?: readonly StarMark[];
  checkStatus: 'pending' | 'passed' | 'failed' | 'error';
  checks: readonly CheckVerdict[] | null;
}

export interface TagCounts {
  picks: number;
  needsFix: number;
  discards: number;
}

export function tagCounts(tags: readonly TagMark[]): TagCounts {
  const c: TagCounts = { picks: 0, needsFix: 0, discards: 0 };
  for (const t of tags) {
    if (t.tag === 'promising' && !t.isAuto) c.picks++;
    else if (t.tag === 'needs-fix') c.needsFix++;
    else if (t.tag === 'discard' && !t.isAuto) c.discards++;
  }
  return c;
}

export function checkPoints(checkStatus: ScoreInput['checkStatus'], checks: readonly CheckVerdict[] | null): number {
  switch (checkStatus) {
    case 'pending':
      return 0;
    case 'passed':
      return SCORE_WEIGHTS.checksPassed;
    case 'error':
      return SCORE_WEIGHTS.checkError;
    case 'failed': {
      const failed = checks ? checks.filter((c) => !c.ok).length : 1;
      return Math.max(SCORE_WEIGHTS.maxCheckPenalty, SCORE_WEIGHTS.perFailedCheck * Math.max(1, failed));
    }
  }
}

export function score(t: ScoreInput): number {
  const c = tagCounts(t.tags);
  return c.picks * SCORE_WEIGHTS.pick + c.needsFix * SCORE_WEIGHTS.needsFix + c.discards * SCORE_WEIGHTS.discard + starPoints(t.stars) + checkPoints(t.checkStatus, t.checks);
}

export function starPoints(stars: readonly StarMark[] | undefined): number {
  let p = 0;
  for (const s of stars ?? []) p += s.stars - SCORE_WEIGHTS.starPivot;
  return p;
}

/** The mean rating, rounded to a tenth, or null when nobody rated the take. */
export function meanStars(stars: readonly StarMark[]): number | null {
  if (stars.length === 0) return null;
  return Math.round((stars.reduce((a, s) => a + s.stars, 0) / stars.length) * 10) / 10;
}

export function isCandidate(t: ScoreInput): boolean {
  return tagCounts(t.tags).picks > 0 && score(t) > 0;
}

/** A person has given a verdict (auto-check tags do not count). */
export function hasHumanVerdict(tags: readonly TagMark[]): boolean {
  return tags.some((t) => !t.isAuto);
}

/** The verdict the card leads with: discard beats needs-fix beats promising when people disagree. */
export function leadingTag(tags: readonly TagMark[]): TagName | null {
  let lead: TagName | null = null;
  const rank: Record<TagName, number> = { promising: 1, 'needs-fix': 2, discard: 3 };
  for (const t of tags) if (lead === null || rank[t.tag] > rank[lead]) lead = t.tag;
  return lead;
}
