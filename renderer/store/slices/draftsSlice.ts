import type { StateCreator } from 'zustand';
import type { DraftValues, Recipe } from '../../../shared/contract/drafts';
import type { Api } from '../../api/client';
import type { AppState } from '../index';

/** The "new shot" draft's key (a shot the first Generate creates). */
export const NEW_SHOT = '';

export interface ShotDraft {
  values: DraftValues;
  newShotName: string;
}

export interface ProjectDrafts {
  isLoaded: boolean;
  /** The shot the form is on: a shot id, NEW_SHOT, or null until chosen. */
  shotKey: string | null;
  byShot: Record<string, ShotDraft>;
}

/**
 * The draft form's content, per project and shot, kept here (not in the form) so a tab change
 * loses nothing, and saved to core (debounced) so a restart or another door finds it again.
 */
export interface DraftsSlice {
  drafts: Record<string, ProjectDrafts>;
  /** The "New draft" panel is open (it opens itself when a recipe fills it). */
  isDraftOpen: boolean;
  setDraftOpen(isOpen: boolean): void;
  loadDrafts(projectId: string): Promise<void>;
  /** Moves the form to a shot; a shot without a draft of its own starts from the current values. */
  selectDraftShot(projectId: string, shotKey: string): void;
  /** Changes the current shot's draft and saves it shortly after (typing is not a save per key). */
  editDraft(projectId: string, patch: Partial<ShotDraft>): void;
  /** Fills the form with a take's or a job's recipe (Reuse, Edit & retry) and shows the board. */
  applyRecipe(recipe: Recipe): void;
  /** Loads a take's recipe into the form. */
  reuseTake(takeId: string): Promise<void>;
  /** Loads a failed job's settings into the form. */
  editJob(jobId: string): Promise<void>;
  /** Saves every draft still waiting for its debounce (before unload, and in tests). */
  flushDrafts(): Promise<void>;
}

const SAVE_DELAY_MS = 400;
const EMPTY: ProjectDrafts = { isLoaded: false, shotKey: null, byShot: {} };

export const createDraftsSlice =
  (api: Api): StateCreator<AppState, [], [], DraftsSlice> =>
  (set, get) => {
    const pending = new Map<string, { timer: ReturnType<typeof setTimeout>; run: () => Promise<void> }>();
    const of = (projectId: string): ProjectDrafts => get().drafts[projectId] ?? EMPTY;
    const put = (projectId: string, next: ProjectDrafts) => set({ drafts: { ...get().drafts, [projectId]: next } });
    const save = (projectId: string, shotKey: string) => {
      const key = `${projectId}\u0000${shotKey}`;
      const was = pending.get(key);
      if (was) clearTimeout(was.timer);
      const run = async () => {
        pending.delete(key);
        const d = of(projectId).byShot[shotKey];
        if (!d) return;
        await api.call('drafts.save', { projectId, shotId: shotKey === NEW_SHOT ? null : shotKey, newShotName: d.newShotName, values: d.values });
      };
      const fail = (e: unknown) => get().notify('error', `Could not keep the draft: ${(e as Error)?.message ?? String(e)}`);
      pending.set(key, { timer: setTimeout(() => void run().catch(fail), SAVE_DELAY_MS), run });
    };
    return {
      drafts: {},
      isDraftOpen: true,
      setDraftOpen: (isDraftOpen) => {
        if (get().isDraftOpen !== isDraftOpen) set({ isDraftOpen });
      },
      async loadDrafts(projectId) {
        let list: Awaited<ReturnType<typeof api.call<'drafts.list'>>>;
        try {
          list = await api.call('drafts.list', { projectId });
        } catch (e) {
          // The form still works (from the defaults); what is typed now is still kept.
          put(projectId, { ...of(projectId), isLoaded: true });
          throw e;
        }
        const cur = of(projectId);
        const byShot: Record<string, ShotDraft> = {};
        for (const d of list) byShot[d.shotId ?? NEW_SHOT] = { values: d.values, newShotName: d.newShotName };
        // What was typed here before the answer came wins over what was stored.
        put(projectId, { isLoaded: true, shotKey: cur.shotKey ?? (list[0] ? (list[0].shotId ?? NEW_SHOT) : null), byShot: { ...byShot, ...cur.byShot } });
      },
      selectDraftShot(projectId, shotKey) {
        const cur = of(projectId);
        const from = cur.shotKey !== null ? cur.byShot[cur.shotKey] : undefined;
        const byShot = !cur.byShot[shotKey] && from ? { ...cur.byShot, [shotKey]: { ...from, newShotName: shotKey === NEW_SHOT ? from.newShotName : '' } } : cur.byShot;
        put(projectId, { ...cur, shotKey, byShot });
      },
      editDraft(projectId, patch) {
        const cur = of(projectId);
        if (cur.shotKey === null) return;
        const was = cur.byShot[cur.shotKey];
        const values = patch.values ?? was?.values;
        if (!values) return;
        put(projectId, { ...cur, byShot: { ...cur.byShot, [cur.shotKey]: { values, newShotName: patch.newShotName ?? was?.newShotName ?? '' } } });
        save(projectId, cur.shotKey);
      },
      applyRecipe(recipe) {
        const cur = of(recipe.projectId);
        const was = cur.byShot[recipe.shotId];
        put(recipe.projectId, { ...cur, shotKey: recipe.shotId, byShot: { ...cur.byShot, [recipe.shotId]: { values: recipe.values, newShotName: was?.newShotName ?? '' } } });
        save(recipe.projectId, recipe.shotId);
        set({ tab: 'board', overlay: null, isDraftOpen: true });
      },
      async reuseTake(takeId) {
        get().applyRecipe(await api.call('takes.recipe', { id: takeId }));
      },
      async editJob(jobId) {
        get().applyRecipe(await api.call('jobs.recipe', { id: jobId }));
      },
      async flushDrafts() {
        const runs = [...pending.values()];
        for (const p of runs) clearTimeout(p.timer);
        await Promise.all(runs.map((p) => p.run()));
      },
    };
  };
