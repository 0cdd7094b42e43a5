import type { StateCreator } from 'zustand';
import type { AppState } from '../index';

export type MainTab = 'board' | 'queue' | 'ledger';
export type Overlay = { kind: 'help' } | { kind: 'player'; takeId: string } | { kind: 'compare'; a: string; b: string } | { kind: 'finalize' } | null;

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
  tab: MainTab;
  setShotScope(scope: string): void;
  focus(id: string | null): void;
  setSelection(ids: string[]): void;
  toggleSelected(id: string): void;
  setAutoAdvance(on: boolean): void;
  setAuthorName(name: string): void;
  openOverlay(o: Overlay): void;
  setTab(tab: MainTab): void;
}

export const createBoardUiSlice: StateCreator<AppState, [], [], BoardUiSlice> = (set, get) => ({
  shotScope: 'all',
  focusedId: null,
  selectedIds: [],
  isAutoAdvance: true,
  authorName: '',
  overlay: null,
  tab: 'board',
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
  setTab: (tab) => set({ tab }),
});
