import type { StateCreator } from 'zustand';
import type { AppState } from '../index';
import { NO_FILTER, type BoardFilter } from '../boardFilter';

export type MainTab = 'board' | 'queue' | 'ledger' | 'insight';
/** The loupe shows one take (its shot's filmstrip below); the survey 2–4 takes in sync, one of them active for keys. */
export type Overlay =
  | { kind: 'help' }
  | { kind: 'loupe'; takeId: string }
  | { kind: 'survey'; takeIds: string[]; activeId: string }
  | { kind: 'finalize' }
  | { kind: 'export' }
  | null;

/**
 * Local board UI: which shot is shown, the focused card, the selection, auto-advance, the overlay,
 * the main tab, and the reviewer name tags are signed with (persisted, a UI preference).
 */
export interface BoardUiSlice {
  /** A shot id, or 'all'. */
  shotScope: string;
  focusedId: string | null;
  selectedIds: string[];
  isAutoAdvance: boolean;
  authorName: string;
  overlay: Overlay;
  filter: BoardFilter;
  tab: MainTab;
  /** The board has the keyboard: the focused card takes DOM focus when it (re)mounts. */
  isKeyboardActive: boolean;
  setShotScope(scope: string): void;
  focus(id: string | null): void;
  setSelection(ids: string[]): void;
  toggleSelected(id: string): void;
  setAutoAdvance(on: boolean): void;
  setAuthorName(name: string): void;
  openOverlay(o: Overlay): void;
  setFilter(f: Partial<BoardFilter>): void;
  setTab(tab: MainTab): void;
  setKeyboardActive(on: boolean): void;
  /** Back to a fresh board view (another project was opened). */
  resetBoardUi(): void;
}

export const createBoardUiSlice: StateCreator<AppState, [], [], BoardUiSlice> = (set, get) => ({
  shotScope: 'all',
  focusedId: null,
  selectedIds: [],
  isAutoAdvance: true,
  authorName: '',
  overlay: null,
  filter: NO_FILTER,
  tab: 'board',
  isKeyboardActive: false,
  setShotScope: (shotScope) => set({ shotScope, selectedIds: [] }),
  focus: (focusedId) => set({ focusedId }),
  setSelection: (selectedIds) => set({ selectedIds }),
  toggleSelected: (id) => {
    const s = get().selectedIds;
    set({ selectedIds: s.includes(id) ? s.filter((x) => x !== id) : [...s, id] });
  },
  setAutoAdvance: (isAutoAdvance) => set({ isAutoAdvance }),
  setAuthorName: (authorName) => set({ authorName: authorName.slice(0, 60) }),
  openOverlay: (overlay) => set({ overlay }),
  setFilter: (f) => set({ filter: { ...get().filter, ...f }, selectedIds: [] }),
  setTab: (tab) => set({ tab }),
  resetBoardUi: () => set({ shotScope: 'all', focusedId: null, selectedIds: [], overlay: null, filter: NO_FILTER }),
  setKeyboardActive: (isKeyboardActive) => {
    if (get().isKeyboardActive !== isKeyboardActive) set({ isKeyboardActive });
  },
});
