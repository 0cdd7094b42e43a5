import type { BoardMarks, DraftCard, ReleaseState, ShortlistRule, TakeCard, TakeFacts } from '../../shared/contract/board';
import type { Job } from '../../shared/contract/jobs';
import type { Shot } from '../../shared/contract/shots';
import { cachedMarks, columnsOf, createDeriveCache, deriveShot, draftsOf, releasesOf, type Columns, type DeriveCache, type TakeStage } from '../../shared/board/derive';
import type { AppState } from './index';

/**
 * The board as the columns show it, derived from the caches with the same pure functions core
 * uses. Memoized on the inputs' identities, so a selector returns the same object until a take,
 * a mark, a release job, the rule, the shots or the scope changes. Progress ticks of preview jobs
 * only re-derive the drafts; progress of a release job is read live by its card.
 */
export interface BoardColumns {
  columns: Columns;
  drafts: DraftCard[];
  /** Every take card of the scope, by id. */
  byId: Map<string, TakeCard>;
}

const NO_SHOTS: Shot[] = [];

export const TAKE_STAGES: readonly TakeStage[] = ['autocheck', 'tag', 'shortlist', 'finalize', 'published'];

/** The jobs that decide stages (release re-renders), keyed so progress ticks do not change the key. */
function releaseSignature(jobs: Record<string, Job>, projectId: string | null): { key: string; list: Job[] } {
  const list: Job[] = [];
  let key = '';
  for (const j of Object.values(jobs)) {
    if (j.projectId !== projectId || j.artifactClass !== 'release' || j.sourceTakeId === null) continue;
    list.push(j);
    key += `${j.id}:${j.status}:${j.sourceTakeId};`;
  }
  return { key, list };
}

export function createBoardSelector() {
  let relKey: string | null = null;
  let relTakes: Record<string, TakeFacts> | null = null;
  let releases = new Map<string, ReleaseState>();
  let cardsIn: { shotTakes: unknown; shotMarks: unknown; releases: unknown; rule: unknown; shots: unknown; scope: unknown } | null = null;
  let cards: { byId: Map<string, TakeCard>; columns: Columns } | null = null;
  let derive = createCardDeriver();
  let draftsIn: { jobs: unknown; scope: unknown } | null = null;
  let drafts: DraftCard[] = [];
  let out: BoardColumns | null = null;
  let cache: DeriveCache = createDeriveCache();
  let cacheProject: string | null = null;

  return (s: Pick<AppState, 'takes' | 'shotTakes' | 'shotMarks' | 'jobs' | 'rule' | 'shotScope' | 'boardProjectId' | 'shotsByProject'>): BoardColumns => {
    const rel = releaseSignature(s.jobs, s.boardProjectId);
    if (rel.key !== relKey || relTakes !== s.takes) {
      relKey = rel.key;
      relTakes = s.takes;
      releases = releasesOf(rel.list, Object.values(s.takes));
    }
    const shots: Shot[] = (s.boardProjectId && s.shotsByProject[s.boardProjectId]) || NO_SHOTS;
    const inputs = { shotTakes: s.shotTakes, shotMarks: s.shotMarks, releases, rule: s.rule, shots, scope: s.shotScope };
    let changed = false;
    if (!cardsIn || Object.keys(inputs).some((k) => inputs[k as keyof typeof inputs] !== cardsIn![k as keyof typeof inputs])) {
      cardsIn = inputs;
      if (cacheProject !== s.boardProjectId) {
        cache = createDeriveCache();
        derive = createCardDeriver();
        cacheProject = s.boardProjectId;
      }
      cards = derive(s.shotTakes, s.shotMarks, releases, s.rule, shots, s.shotScope, cache);
      changed = true;
    }
    if (!draftsIn || draftsIn.jobs !== s.jobs || draftsIn.scope !== s.shotScope) {
      draftsIn = { jobs: s.jobs, scope: s.shotScope };
      const order = new Map(shots.map((sh) => [sh.id, sh.position]));
      drafts = draftsOf(Object.values(s.jobs).filter((j) => j.projectId === s.boardProjectId))
        .filter((d) => s.shotScope === 'all' || d.shotId === s.shotScope)
        .sort((a, b) => (order.get(a.shotId) ?? 0) - (order.get(b.shotId) ?? 0) || a.createdAt - b.createdAt || a.n - b.n);
      changed = true;
    }
    if (changed || !out) out = { columns: cards!.columns, drafts, byId: cards!.byId };
    return out;
  };
}

interface ShotMemo {
  takes: readonly TakeFacts[];
  marks: Readonly<Record<string, BoardMarks>> | undefined;
  releasesIn: Map<string, ReleaseState>;
  releases: (ReleaseState | null)[];
  rule: ShortlistRule;
  cards: TakeCard[];
  columns: Columns;
}
const NO_TAKES: TakeFacts[] = [];
const NO_CARDS: TakeCard[] = [];
const sameRefs = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Cards and columns per shot, re-derived only for the shots whose takes, marks, releases or rule
 * changed (each compared by identity: the store copies only the shots a change touches), so a
 * keystroke on a season of 100,000 takes re-derives one shot, not forty. A column is re-joined only
 * when one of its shots' parts changed, so the other columns keep their arrays (and do not re-render).
 * The by-id map is patched in place when only marks changed (the same takes and shots), else rebuilt.
 */
function createCardDeriver() {
  const memo = new Map<string, ShotMemo>();
  let lastTakes: unknown = null;
  let lastOrder: readonly Shot[] | null = null;
  let byId = new Map<string, TakeCard>();
  let lastColumns: Columns | null = null;
  let lastParts: Record<TakeStage, TakeCard[][]> | null = null;
  return (
    shotTakes: Readonly<Record<string, TakeFacts[]>>,
    shotMarks: Readonly<Record<string, Record<string, BoardMarks>>>,
    releases: Map<string, ReleaseState>,
    rule: ShortlistRule,
    shots: readonly Shot[],
    scope: string,
    cache: DeriveCache,
  ): { byId: Map<string, TakeCard>; columns: Columns } => {
    const releaseOf = (id: string) => releases.get(id) ?? null;
    const order = shots.filter((sh) => scope === 'all' || sh.id === scope);
    const isSameTakes = shotTakes === lastTakes && lastOrder !== null && sameRefs(lastOrder, order);
    if (!isSameTakes) byId = new Map();
    const parts: Record<TakeStage, TakeCard[][]> = { autocheck: [], tag: [], shortlist: [], finalize: [], published: [] };
    for (const sh of order) {
      const takes = shotTakes[sh.id] ?? NO_TAKES;
      const marks = shotMarks[sh.id];
      const marksOf = (id: string) => cachedMarks(marks, id);
      let entry = memo.get(sh.id);
      let isFresh = entry !== undefined && entry.takes === takes && entry.rule === rule && entry.marks === marks;
      let r: (ReleaseState | null)[] | null = null;
      if (isFresh && entry!.releasesIn !== releases) {
        r = takes.map((t) => releaseOf(t.id));
        isFresh = sameRefs(entry!.releases, r);
      }
      if (!isFresh) {
        const cards = deriveShot(takes, marksOf, releaseOf, rule, cache);
        const columns = columnsOf(cards);
        // A stage whose cards are the same keeps its array, so its column is not re-joined.
        if (entry) for (const st of TAKE_STAGES) if (sameRefs(entry.columns[st], columns[st])) columns[st] = entry.columns[st];
        entry = { takes, marks, releasesIn: releases, releases: r ?? takes.map((t) => releaseOf(t.id)), rule, cards, columns };
        memo.set(sh.id, entry);
      } else if (r) entry!.releasesIn = releases;
      if (!isFresh || !isSameTakes) for (const c of entry!.cards) byId.set(c.id, c);
      for (const st of TAKE_STAGES) parts[st].push(entry!.columns[st]);
    }
    // In "all shots", columns keep shot order, then each column's own order within a shot.
    const columns: Columns = { autocheck: [], tag: [], shortlist: [], finalize: [], published: [] };
    for (const st of TAKE_STAGES) {
      if (lastColumns && lastParts && sameRefs(lastParts[st], parts[st])) columns[st] = lastColumns[st];
      else columns[st] = NO_CARDS.concat(...parts[st]);
    }
    lastTakes = shotTakes;
    lastOrder = order;
    lastColumns = columns;
    lastParts = parts;
    return { byId, columns };
  };
}

/** The loupe's filmstrip: every take of the take's shot on the (filtered) board, by take number. */
export function filmstripOf(board: BoardColumns, takeId: string): TakeCard[] {
  const shotId = board.byId.get(takeId)?.shotId;
  if (shotId === undefined) return [];
  const out: TakeCard[] = [];
  for (const c of board.byId.values()) if (c.shotId === shotId) out.push(c);
  return out.sort((a, b) => a.number - b.number || (a.id < b.id ? -1 : 1));
}
