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

function memo1<A, R>(fn: (a: A) => R): (a: A) => R {
  let lastA: A | undefined;
  let last: R | undefined;
  let has = false;
  return (a) => {
    if (has && a === lastA) return last as R;
    lastA = a;
    last = fn(a);
    has = true;
    return last;
  };
}

/** Takes grouped by shot, oldest first; recomputed only when the takes change. */
const groupTakes = memo1((takes: Record<string, TakeFacts>) => {
  const byShot = new Map<string, TakeFacts[]>();
  for (const t of Object.values(takes)) {
    let list = byShot.get(t.shotId);
    if (!list) byShot.set(t.shotId, (list = []));
    list.push(t);
  }
  return byShot;
});

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
  let cardsIn: { takes: unknown; marks: unknown; releases: unknown; rule: unknown; shots: unknown; scope: unknown } | null = null;
  let cards: { list: TakeCard[]; byId: Map<string, TakeCard>; columns: Columns } | null = null;
  let draftsIn: { jobs: unknown; scope: unknown } | null = null;
  let drafts: DraftCard[] = [];
  let out: BoardColumns | null = null;
  let cache: DeriveCache = createDeriveCache();
  let cacheProject: string | null = null;

  return (s: Pick<AppState, 'takes' | 'marks' | 'jobs' | 'rule' | 'shotScope' | 'boardProjectId' | 'shotsByProject'>): BoardColumns => {
    const rel = releaseSignature(s.jobs, s.boardProjectId);
    if (rel.key !== relKey || relTakes !== s.takes) {
      relKey = rel.key;
      relTakes = s.takes;
      releases = releasesOf(rel.list, Object.values(s.takes));
    }
    const shots: Shot[] = (s.boardProjectId && s.shotsByProject[s.boardProjectId]) || NO_SHOTS;
    const inputs = { takes: s.takes, marks: s.marks, releases, rule: s.rule, shots, scope: s.shotScope };
    let changed = false;
    if (!cardsIn || Object.keys(inputs).some((k) => inputs[k as keyof typeof inputs] !== cardsIn![k as keyof typeof inputs])) {
      cardsIn = inputs;
      if (cacheProject !== s.boardProjectId) {
        cache = createDeriveCache();
        cacheProject = s.boardProjectId;
      }
      cards = deriveCards(groupTakes(s.takes), s.marks, releases, s.rule, shots, s.shotScope, cache);
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

function deriveCards(
  byShot: Map<string, TakeFacts[]>,
  marks: Record<string, BoardMarks>,
  releases: Map<string, ReleaseState>,
  rule: ShortlistRule,
  shots: readonly Shot[],
  scope: string,
  cache: DeriveCache,
): { list: TakeCard[]; byId: Map<string, TakeCard>; columns: Columns } {
  const marksOf = (id: string) => cachedMarks(cache, marks, id);
  const releaseOf = (id: string) => releases.get(id) ?? null;
  const order = shots.filter((sh) => scope === 'all' || sh.id === scope);
  const list: TakeCard[] = [];
  for (const sh of order) for (const c of deriveShot(byShot.get(sh.id) ?? [], marksOf, releaseOf, rule, cache)) list.push(c);
  // In "all shots", columns keep shot order, then each column's own order within a shot.
  const columns: Columns = { autocheck: [], tag: [], shortlist: [], finalize: [], published: [] };
  if (order.length <= 1) {
    Object.assign(columns, columnsOf(list));
  } else {
    let start = 0;
    for (const sh of order) {
      const n = (byShot.get(sh.id) ?? []).filter((t) => !(t.artifactClass === 'release' && t.sourceTakeId !== null)).length;
      const cols = columnsOf(list.slice(start, start + n));
      start += n;
      for (const st of TAKE_STAGES) columns[st].push(...cols[st]);
    }
  }
  return { list, byId: new Map(list.map((c) => [c.id, c])), columns };
}


/** The loupe's filmstrip: every take of the take's shot on the (filtered) board, by take number. */
export function filmstripOf(board: BoardColumns, takeId: string): TakeCard[] {
  const shotId = board.byId.get(takeId)?.shotId;
  if (shotId === undefined) return [];
  const out: TakeCard[] = [];
  for (const c of board.byId.values()) if (c.shotId === shotId) out.push(c);
  return out.sort((a, b) => a.number - b.number || (a.id < b.id ? -1 : 1));
}
