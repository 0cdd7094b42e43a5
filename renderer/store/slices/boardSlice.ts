import type { StateCreator } from 'zustand';
import type { EventPayload } from '../../../shared/contract';
import { DEFAULT_SHORTLIST_RULE, type BoardChange, type BoardMarks, type Override, type ShortlistRule, type TagMark, type TagName, type TakeCard, type TakeFacts } from '../../../shared/contract/board';
import { emptyMarks } from '../../../shared/board/derive';
import { factsOf, toFacts } from '../../../shared/board/facts';
import type { Api } from '../../api/client';
import type { AppState } from '../index';

/**
 * A cache of the open project's board: take facts (from board.view and takes.changed) and board
 * marks (tags, overrides, comments, published; from board.view and board.changed), both kept per
 * shot so a tag copies one shot's marks, not a season's. Stages are derived from these by
 * shared/board (see boardSelectors.ts). A board is loaded shot by shot (the scoped shot first), so
 * the first shot paints while the rest arrive. Tagging is applied at once and then confirmed by
 * core's answer; a refusal puts the previous marks back.
 */
export interface BoardSlice {
  boardProjectId: string | null;
  /** The first shot has arrived: the board can paint. */
  isBoardLoaded: boolean;
  /** Every shot has arrived. */
  isBoardComplete: boolean;
  /** Every loaded take, by id. */
  takes: Record<string, TakeFacts>;
  /** Each loaded shot's takes, oldest first (a new array only when that shot's takes change). */
  shotTakes: Record<string, TakeFacts[]>;
  /** Each loaded shot's marks by take id (takes without marks are absent). */
  shotMarks: Record<string, Record<string, BoardMarks>>;
  rule: ShortlistRule;
  loadBoard(projectId: string): Promise<void>;
  tag(takeIds: string[], tag: TagName): Promise<void>;
  untag(takeIds: string[]): Promise<void>;
  /** Sets this author's star rating (1–5), or clears it (null). */
  rate(takeIds: string[], stars: number | null): Promise<void>;
  setOverride(takeIds: string[], override: Override | null): Promise<void>;
  setRule(rule: ShortlistRule): Promise<void>;
  /** Undoes this author's last tag or shortlist action; returns what it undid, or null. */
  undo(): Promise<string | null>;
  applyBoardChanged(e: BoardChange): void;
  applyTakeChanged(e: EventPayload<'takes.changed'>): void;
}

/** A loaded take's marks (undefined when it has none, or is not loaded). */
export function marksOfTake(s: Pick<BoardSlice, 'takes' | 'shotMarks'>, takeId: string): BoardMarks | undefined {
  const t = s.takes[takeId];
  return t ? s.shotMarks[t.shotId]?.[takeId] : undefined;
}

/** Same marks, whatever the clocks that stamped them (a confirmed optimistic tag is not a change). */
export function sameMarks(a: BoardMarks | undefined, b: BoardMarks): boolean {
  if (!a) return b.tags.length === 0 && b.stars.length === 0 && b.override === null && b.comments === 0 && b.publishedAt === null;
  if (a.override !== b.override || a.comments !== b.comments || a.publishedAt !== b.publishedAt || a.tags.length !== b.tags.length) return false;
  if (a.stars.length !== b.stars.length) return false;
  const rated = new Map(a.stars.map((s) => [s.author, s.stars]));
  if (b.stars.some((s) => rated.get(s.author) !== s.stars)) return false;
  const key = (t: TagMark) => `${t.author}\u0000${t.tag}\u0000${t.isAuto ? 1 : 0}\u0000${t.reason ?? ''}`;
  const mine = new Set(a.tags.map(key));
  return b.tags.every((t) => mine.has(key(t)));
}

/** Who this session tags as: the name set in the UI, else the owner. */
export const authorOf = (s: Pick<AppState, 'authorName'>): string => s.authorName.trim() || 'owner';

export const createBoardSlice =
  (api: Api): StateCreator<AppState, [], [], BoardSlice> =>
  (set, get) => {
    let loadSeq = 0;
    /** Shots of the open board still to arrive: changes to their takes wait here until they do. */
    let waiting = new Set<string>();
    let early = { marks: new Map<string, BoardMarks>(), takes: new Map<string, TakeFacts>() };
    /** Writes marks, copying only the shots they touch. Marks of takes not loaded wait for their shot. */
    const putMarks = (list: readonly BoardMarks[]) => {
      const { takes } = get();
      const shotMarks = { ...get().shotMarks };
      const copied = new Set<string>();
      for (const m of list) {
        const shotId = takes[m.takeId]?.shotId;
        if (shotId === undefined || waiting.has(shotId)) {
          early.marks.set(m.takeId, m);
          continue;
        }
        if (!copied.has(shotId)) {
          shotMarks[shotId] = { ...shotMarks[shotId] };
          copied.add(shotId);
        }
        shotMarks[shotId]![m.takeId] = m;
      }
      if (copied.size > 0) set({ shotMarks });
    };
    const patchMarks = (ids: readonly string[], fn: (m: BoardMarks) => BoardMarks): BoardMarks[] => {
      const before = ids.map((id) => marksOfTake(get(), id) ?? emptyMarks(id));
      putMarks(before.map(fn));
      return before;
    };
    /** Applies a change at once, then core's answer; on refusal the previous marks come back and the error propagates. */
    const optimistic = async (ids: readonly string[], fn: (m: BoardMarks) => BoardMarks, call: () => Promise<BoardChange>) => {
      const before = patchMarks(ids, fn);
      try {
        get().applyBoardChanged(await call());
      } catch (e) {
        putMarks(before);
        throw e;
      }
    };
    /** One shot's view into the caches; changes that came while it was on its way win over it. */
    const mergeShot = (shotId: string, cards: readonly TakeCard[]) => {
      const takes = { ...get().takes };
      const list: TakeFacts[] = [];
      const marks: Record<string, BoardMarks> = {};
      for (const c of cards) {
        const facts = early.takes.get(c.id) ?? factsOf(c);
        early.takes.delete(c.id);
        takes[c.id] = facts;
        list.push(facts);
        const m = early.marks.get(c.id) ?? (hasMarks(c) ? { takeId: c.id, tags: c.tags, stars: c.stars, override: c.override, comments: c.comments, publishedAt: c.publishedAt } : null);
        early.marks.delete(c.id);
        if (m) marks[c.id] = m;
      }
      for (const [id, t] of early.takes) {
        if (t.shotId !== shotId) continue;
        early.takes.delete(id);
        takes[id] = t;
        list.push(t);
      }
      waiting.delete(shotId);
      set({ takes, shotTakes: { ...get().shotTakes, [shotId]: list }, shotMarks: { ...get().shotMarks, [shotId]: marks } });
    };
    return {
      boardProjectId: null,
      isBoardLoaded: false,
      isBoardComplete: false,
      takes: {},
      shotTakes: {},
      shotMarks: {},
      rule: DEFAULT_SHORTLIST_RULE,
      async loadBoard(projectId) {
        const seq = ++loadSeq;
        const isOther = get().boardProjectId !== projectId;
        if (isOther) set({ boardProjectId: projectId, isBoardLoaded: false, isBoardComplete: false, takes: {}, shotTakes: {}, shotMarks: {} });
        const shots = [...(await api.call('shots.list', { projectId }))].sort((a, b) => a.position - b.position);
        if (seq !== loadSeq) return;
        // The shot in view first, then the rest in sequence order.
        const scope = get().shotScope;
        const order = [...shots.filter((s) => s.id === scope), ...shots.filter((s) => s.id !== scope)];
        waiting = new Set(order.map((s) => s.id));
        early = { marks: new Map(), takes: new Map() };
        // A reload of the open board keeps showing what it has until each shot's answer replaces it.
        set({ isBoardComplete: false, shotsByProject: { ...get().shotsByProject, [projectId]: shots } });
        // A project without shots still has a rule and maybe jobs.
        for (const shot of order.length > 0 ? order : [null]) {
          const since = get().jobsMark();
          const view = await api.call('board.view', shot ? { projectId, shotId: shot.id } : { projectId });
          if (seq !== loadSeq) return;
          for (const s of view.shots) mergeShot(s.shot.id, s.takes);
          get().seedJobs(view.activeJobs, since);
          set({ rule: view.rule, isBoardLoaded: true });
        }
        waiting = new Set();
        set({ isBoardComplete: true });
      },
      async tag(takeIds, tag) {
        const author = authorOf(get());
        const mark: TagMark = { tag, author, isAuto: false, reason: null, at: Date.now() };
        await optimistic(takeIds, (m) => ({ ...m, tags: [...m.tags.filter((t) => t.author !== author), mark] }), () => api.call('tags.add', { takeIds, tag, author }));
      },
      async untag(takeIds) {
        const author = authorOf(get());
        await optimistic(takeIds, (m) => ({ ...m, tags: m.tags.filter((t) => t.author !== author) }), () => api.call('tags.remove', { takeIds, author }));
      },
      async rate(takeIds, stars) {
        const author = authorOf(get());
        const others = (m: BoardMarks) => m.stars.filter((x) => x.author !== author);
        await optimistic(
          takeIds,
          (m) => ({ ...m, stars: stars === null ? others(m) : [...others(m), { author, stars, at: Date.now() }] }),
          () => api.call('stars.set', { takeIds, stars, author }),
        );
      },
      async setOverride(takeIds, override) {
        const author = authorOf(get());
        await optimistic(takeIds, (m) => ({ ...m, override }), () => api.call('shortlist.set', { takeIds, override, author }));
      },
      async setRule(rule) {
        const projectId = get().boardProjectId;
        if (!projectId) return;
        const was = get().rule;
        set({ rule });
        try {
          get().applyBoardChanged(await api.call('shortlist.auto', { projectId, rule, author: authorOf(get()) }));
        } catch (e) {
          set({ rule: was });
          throw e;
        }
      },
      async undo() {
        const projectId = get().boardProjectId;
        if (!projectId) return null;
        const r = await api.call('board.undo', { projectId, author: authorOf(get()) });
        get().applyBoardChanged({ projectId, marks: r.marks, rule: r.rule });
        return r.undone;
      },
      applyBoardChanged(e) {
        if (e.projectId !== get().boardProjectId) return;
        // Core's answer usually confirms what was applied at once: only a real difference re-derives.
        const changed = e.marks.filter((m) => !sameMarks(marksOfTake(get(), m.takeId), m));
        if (changed.length > 0) putMarks(changed);
        const r = get().rule;
        if (e.rule && (e.rule.mode !== r.mode || e.rule.n !== r.n || e.rule.percent !== r.percent)) set({ rule: e.rule });
        // A comment made or deleted in another session: refresh the lists open here (the player's).
        const open = get().comments;
        for (const m of changed) {
          const list = open[m.takeId];
          if (list && list.length !== m.comments) void get().loadComments(m.takeId).catch((err: unknown) => console.warn('circletake: reloading comments failed', err));
        }
      },
      applyTakeChanged({ take }) {
        if (take.projectId !== get().boardProjectId) return;
        const facts = toFacts(take);
        if (waiting.has(take.shotId)) {
          early.takes.set(take.id, facts);
          return;
        }
        const list = get().shotTakes[take.shotId] ?? [];
        const i = list.findIndex((t) => t.id === take.id);
        const next = i === -1 ? [...list, facts] : list.map((t, k) => (k === i ? facts : t));
        set({ takes: { ...get().takes, [take.id]: facts }, shotTakes: { ...get().shotTakes, [take.shotId]: next } });
        // Its marks may have come first (the auto-check's tag).
        const m = early.marks.get(take.id);
        if (m) {
          early.marks.delete(take.id);
          putMarks([m]);
        }
      },
    };
  };

const hasMarks = (c: TakeCard) => c.tags.length > 0 || c.stars.length > 0 || c.override !== null || c.comments > 0 || c.publishedAt !== null;
