import type { BoardMarks, DraftCard, ReleaseState, ShortlistRule, Stage, TakeCard, TakeFacts } from '../contract/board';
import type { Job } from '../contract/jobs';
import { factsOf } from './facts';
import { hasHumanVerdict, isCandidate, score } from './score';

/**
 * Where every take of one shot stands on the board. Pure, shared by core (board.view) and the
 * renderer (instant re-derivation after a keystroke), so both always agree.
 *
 * Stages, first match wins:
 *   published — its release was exported
 *   finalize  — a release re-render is in progress or done (a release take with no source is final too)
 *   autocheck — stored, check pending
 *   shortlist — in the shot's shortlist (see `shortlistOf`)
 *   tag       — checked, awaiting a verdict or below the cut
 * Drafts (variations still generating) are job tasks without a take; see `draftsOf`.
 */
export function emptyMarks(takeId: string): BoardMarks {
  return { takeId, tags: [], stars: [], override: null, comments: 0, publishedAt: null };
}

/**
 * The shot's shortlist: candidates (picked, positive score, not overridden out) ranked by score, cut
 * at the rule (top N, or top percent of the shot's checked previews, at least one), plus takes forced in.
 * Ties go to the older take, then the id, so the cut is deterministic.
 */
export function shortlistOf(takes: readonly TakeFacts[], marksOf: (id: string) => BoardMarks, rule: ShortlistRule, cache?: DeriveCache): Set<string> {
  const checked = takes.filter((t) => t.artifactClass === 'preview' && t.checkStatus !== 'pending');
  const candidates: { id: string; score: number; createdAt: number }[] = [];
  const chosen = new Set<string>();
  for (const t of checked) {
    const m = marksOf(t.id);
    if (m.override === 'in') chosen.add(t.id);
    if (m.override !== null) continue;
    const r = rated(t, m, cache);
    if (r.isCandidate) candidates.push({ id: t.id, score: r.score, createdAt: t.createdAt });
  }
  candidates.sort((a, b) => b.score - a.score || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const cut = cutSize(rule, checked.length);
  for (const c of candidates.slice(0, cut)) chosen.add(c.id);
  return chosen;
}

/**
 * A memo the renderer keeps across derivations of one board: scores by (facts, marks) and cards by
 * their inputs, so re-deriving 10,000 takes after one tag recomputes and re-creates only what changed.
 * Same results as without it (core derives without one).
 */
export interface DeriveCache {
  rated: WeakMap<TakeFacts, { marks: BoardMarks; score: number; isCandidate: boolean }>;
  cards: Map<string, { facts: TakeFacts; marks: BoardMarks; release: ReleaseState | null; isShortlisted: boolean; number: number; sourceNumber: number | null; card: TakeCard }>;
  /** Version numbers per shot's take list (a tag re-derives without re-sorting the shot). */
  numbers: WeakMap<readonly TakeFacts[], Map<string, number>>;
}

export function createDeriveCache(): DeriveCache {
  return { rated: new WeakMap(), cards: new Map(), numbers: new WeakMap() };
}

/** No marks at all: one shared record, so a take without marks reads the same object every derivation. */
const NO_MARKS: BoardMarks = Object.freeze(emptyMarks('')) as BoardMarks;

/** The take's marks, or the shared empty marks (a lookup in the record, nothing more: it runs per take of a re-derived shot). */
export function cachedMarks(marks: Readonly<Record<string, BoardMarks>> | undefined, id: string): BoardMarks {
  return marks?.[id] ?? NO_MARKS;
}

function rated(t: TakeFacts, m: BoardMarks, cache: DeriveCache | undefined): { score: number; isCandidate: boolean } {
  const hit = cache?.rated.get(t);
  if (hit && hit.marks === m) return hit;
  const input = { tags: m.tags, stars: m.stars, checkStatus: t.checkStatus, checks: t.checks };
  const r = { marks: m, score: score(input), isCandidate: isCandidate(input) };
  cache?.rated.set(t, r);
  return r;
}

export function cutSize(rule: ShortlistRule, checkedCount: number): number {
  if (rule.mode === 'top') return rule.n;
  return Math.max(1, Math.ceil((checkedCount * rule.percent) / 100));
}

export function stageOf(t: TakeFacts, m: BoardMarks, release: ReleaseState | null, isShortlisted: boolean): Stage {
  if (m.publishedAt !== null) return 'published';
  if (t.artifactClass === 'release' && t.sourceTakeId === null) return t.checkStatus === 'pending' ? 'autocheck' : 'finalize';
  if (release !== null && release.status !== 'failed' && release.status !== 'cancelled' && release.status !== 'discarded') return 'finalize';
  if (t.checkStatus === 'pending') return 'autocheck';
  return isShortlisted ? 'shortlist' : 'tag';
}

/** Every take card of one shot, derived. Release takes that re-render a preview are folded into it. */
export function deriveShot(
  takes: readonly TakeFacts[],
  marksOf: (id: string) => BoardMarks,
  releaseOf: (id: string) => ReleaseState | null,
  rule: ShortlistRule,
  cache?: DeriveCache,
): TakeCard[] {
  const shown = takes.filter((t) => !(t.artifactClass === 'release' && t.sourceTakeId !== null));
  const shortlist = shortlistOf(shown, marksOf, rule, cache);
  let numbers = cache?.numbers.get(takes);
  if (!numbers) {
    numbers = numberTakes(shown);
    cache?.numbers.set(takes, numbers);
  }
  return shown.map((t): TakeCard => {
    const m = marksOf(t.id);
    const release = releaseOf(t.id);
    const isShortlisted = shortlist.has(t.id);
    const number = numbers.get(t.id)!;
    const sourceNumber = t.sourceTakeId !== null ? (numbers!.get(t.sourceTakeId) ?? null) : null;
    const prev = cache?.cards.get(t.id);
    if (prev && prev.facts === t && prev.marks === m && prev.release === release && prev.isShortlisted === isShortlisted && prev.number === number && prev.sourceNumber === sourceNumber) return prev.card;
    const card = buildCard(t, m, release, isShortlisted, rated(t, m, cache).score, number, sourceNumber);
    cache?.cards.set(t.id, { facts: t, marks: m, release, isShortlisted, number, sourceNumber, card });
    return card;
  });
}

/**
 * Version numbers within one shot: 1, 2, 3… in the order the takes were made (then variation, then
 * id), whatever their model, so a shot's history reads at a glance. Release re-renders are folded
 * into their source and take no number of their own.
 */
export function numberTakes(shown: readonly TakeFacts[]): Map<string, number> {
  const order = [...shown].sort((a, b) => a.createdAt - b.createdAt || a.n - b.n || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return new Map(order.map((t, i) => [t.id, i + 1]));
}

function buildCard(t: TakeFacts, m: BoardMarks, release: ReleaseState | null, isShortlisted: boolean, cardScore: number, number: number, sourceNumber: number | null): TakeCard {
  // The facts part comes from the one listing of a take's fields (facts.ts); the card adds what the
  // board derives, always in this order, so every card has one object shape.
  const card = factsOf(t) as TakeCard;
  card.tags = m.tags;
  card.stars = m.stars;
  card.override = m.override;
  card.comments = m.comments;
  card.publishedAt = m.publishedAt;
  card.release = release;
  card.stage = stageOf(t, m, release, isShortlisted);
  card.score = cardScore;
  card.isShortlisted = isShortlisted;
  card.number = number;
  card.sourceNumber = sourceNumber;
  return card;
}

const ACTIVE: ReadonlySet<Job['status']> = new Set(['queued', 'paused', 'running', 'unknown']);
export const isActiveJob = (j: Pick<Job, 'status'>): boolean => ACTIVE.has(j.status);

/**
 * Release state per preview take: an active release job wins (a re-render in progress), else the
 * newest release take made from it, else the newest finished release job (so a failure shows).
 */
export function releasesOf(jobs: readonly Job[], takes: readonly TakeFacts[]): Map<string, ReleaseState> {
  const out = new Map<string, ReleaseState>();
  for (const t of takes) {
    if (t.artifactClass !== 'release' || t.sourceTakeId === null) continue;
    const prev = out.get(t.sourceTakeId);
    if (prev && prev.takeId !== null) continue;
    out.set(t.sourceTakeId, { jobId: t.jobId, status: 'succeeded', progress: null, takeId: t.id, checkStatus: t.checkStatus, credits: t.credits });
  }
  for (const j of jobs) {
    if (j.artifactClass !== 'release' || j.sourceTakeId === null) continue;
    const prev = out.get(j.sourceTakeId);
    if (isActiveJob(j)) {
      out.set(j.sourceTakeId, { jobId: j.id, status: j.status, progress: jobProgress(j), takeId: null, checkStatus: null, credits: j.reservedCredits });
    } else if (!prev) {
      out.set(j.sourceTakeId, { jobId: j.id, status: j.status, progress: null, takeId: null, checkStatus: null, credits: j.capturedCredits });
    }
  }
  return out;
}

export function jobProgress(j: Job): number | null {
  const ps = j.tasks.map((t) => (t.status === 'succeeded' ? 1 : (t.progress ?? 0)));
  if (ps.length === 0) return j.status === 'running' ? 0 : null;
  return ps.reduce((a, b) => a + b, 0) / ps.length;
}

/** Preview variations still generating: active preview jobs' tasks without a take. */
export function draftsOf(jobs: readonly Job[]): DraftCard[] {
  const out: DraftCard[] = [];
  for (const j of jobs) {
    if (j.artifactClass !== 'preview' || !isActiveJob(j)) continue;
    const per = Math.round(j.estimatedCredits / Math.max(1, j.variations));
    const tasks = j.tasks.length > 0 ? j.tasks : Array.from({ length: j.variations }, (_, n) => ({ n, status: 'pending' as const, progress: null, takeId: null, providerStatus: null }));
    for (const t of tasks) {
      if (t.takeId !== null || t.status === 'succeeded' || t.status === 'failed' || t.status === 'cancelled') continue;
      out.push({
        jobId: j.id,
        shotId: j.shotId,
        n: t.n,
        provider: j.provider,
        model: j.model,
        durationSec: j.durationSec,
        jobStatus: j.status,
        taskStatus: t.status,
        isThrottled: t.providerStatus === 'THROTTLED',
        progress: t.progress,
        credits: per,
        createdAt: j.createdAt,
      });
    }
  }
  return out;
}

/** Take stages: Draft holds DraftCards (variations still generating), never takes. */
export type TakeStage = Exclude<Stage, 'draft'>;
export type Columns = Record<TakeStage, TakeCard[]>;

/**
 * Cards per column in display order: Tag shows takes awaiting a verdict first (oldest first, an
 * inbox), then the tagged ones by score; Shortlist by score; the rest oldest first.
 */
export function columnsOf(cards: readonly TakeCard[]): Columns {
  const cols: Columns = { autocheck: [], tag: [], shortlist: [], finalize: [], published: [] };
  for (const c of cards) if (c.stage !== 'draft') cols[c.stage].push(c);
  const byAge = (a: TakeCard, b: TakeCard) => a.createdAt - b.createdAt || a.n - b.n || (a.id < b.id ? -1 : 1);
  const byScore = (a: TakeCard, b: TakeCard) => b.score - a.score || byAge(a, b);
  cols.autocheck.sort(byAge);
  cols.finalize.sort(byAge);
  cols.published.sort((a, b) => (a.publishedAt ?? 0) - (b.publishedAt ?? 0) || byAge(a, b));
  cols.shortlist.sort(byScore);
  cols.tag.sort((a, b) => {
    const va = hasHumanVerdict(a.tags) ? 1 : 0;
    const vb = hasHumanVerdict(b.tags) ? 1 : 0;
    return va - vb || (va === 0 ? byAge(a, b) : byScore(a, b));
  });
  return cols;
}
