import type { StateCreator } from 'zustand';
import type { EventPayload } from '../../../shared/contract';
import { DEFAULT_SHORTLIST_RULE, type BoardChange, type BoardMarks, type Override, type ShortlistRule, type TagMark, type TagName, type TakeFacts } from '../../../shared/contract/board';
import { emptyMarks, factsOf } from '../../../shared/board/derive';
import { toFacts } from '../../../shared/board/facts';
import type { Api } from '../../api/client';
import type { AppState } from '../index';

/**
 * A cache of the open project's board: take facts (from board.view and takes.changed) and board
 * marks (tags, overrides, comments, published; from board.view and board.changed). Stages are
 * derived from these by shared/board (see boardSelectors.ts). Tagging is applied at once and then
 * confirmed by core's answer; a refusal puts the previous marks back.
 */
export interface BoardSlice {
  boardProjectId: string | null;
  isBoardLoaded: boolean;
  takes: Record<string, TakeFacts>;
  marks: Record<string, BoardMarks>;
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
    const patchMarks = (ids: readonly string[], fn: (m: BoardMarks) => BoardMarks): Record<string, BoardMarks> => {
      const before: Record<string, BoardMarks> = {};
      const next = { ...get().marks };
      for (const id of ids) {
        const m = next[id] ?? emptyMarks(id);
        before[id] = m;
        next[id] = fn(m);
      }
      set({ marks: next });
      return before;
    };
    const restore = (before: Record<string, BoardMarks>) => set({ marks: { ...get().marks, ...before } });
    /** Applies a change at once, then core's answer; on refusal the previous marks come back and the error propagates. */
    const optimistic = async (ids: readonly string[], fn: (m: BoardMarks) => BoardMarks, call: () => Promise<BoardChange>) => {
      const before = patchMarks(ids, fn);
      try {
        get().applyBoardChanged(await call());
      } catch (e) {
        restore(before);
        throw e;
      }
    };
    return {
      boardProjectId: null,
      isBoardLoaded: false,
      takes: {},
      marks: {},
      rule: DEFAULT_SHORTLIST_RULE,
      async loadBoard(projectId) {
        const seq = ++loadSeq;
        if (get().boardProjectId !== projectId) set({ boardProjectId: projectId, isBoardLoaded: false, takes: {}, marks: {} });
        const view = await api.call('board.view', { projectId });
        if (seq !== loadSeq) return;
        const takes: Record<string, TakeFacts> = {};
        const marks: Record<string, BoardMarks> = {};
        for (const s of view.shots) {
          for (const c of s.takes) {
            takes[c.id] = factsOf(c);
            marks[c.id] = { takeId: c.id, tags: c.tags, stars: c.stars, override: c.override, comments: c.comments, publishedAt: c.publishedAt };
          }
        }
        get().seedJobs(view.activeJobs);
        set({ takes, marks, rule: view.rule, isBoardLoaded: true, shotsByProject: { ...get().shotsByProject, [projectId]: view.shots.map((s) => s.shot) } });
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
        const patch: Partial<BoardSlice> = {};
        // Core's answer usually confirms what was applied at once: only a real difference re-derives.
        const now = get().marks;
        const changed = e.marks.filter((m) => !sameMarks(now[m.takeId], m));
        if (changed.length > 0) {
          const marks = { ...now };
          for (const m of changed) marks[m.takeId] = m;
          patch.marks = marks;
        }
        const r = get().rule;
        if (e.rule && (e.rule.mode !== r.mode || e.rule.n !== r.n || e.rule.percent !== r.percent)) patch.rule = e.rule;
        if (patch.marks || patch.rule) set(patch);
        // A comment made or deleted in another session: refresh the lists open here (the player's).
        const open = get().comments;
        for (const m of changed) {
          const list = open[m.takeId];
          if (list && list.length !== m.comments) void get().loadComments(m.takeId).catch((err: unknown) => console.warn('circletake: reloading comments failed', err));
        }
      },
      applyTakeChanged({ take }) {
        if (take.projectId !== get().boardProjectId || !get().isBoardLoaded) return;
        set({ takes: { ...get().takes, [take.id]: toFacts(take) } });
      },
    };
  };
