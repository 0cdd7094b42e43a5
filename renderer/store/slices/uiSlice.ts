import type { Role } from '../../../shared/contract/define';
import type { StateCreator } from 'zustand';
import type { Surface } from '../../../shared/money/pools';
import type { AppState } from '../index';

export type Theme = 'dark' | 'light';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
  /** When it was shown (ms since the epoch): an info fades a fixed time after this, whatever comes after it. */
  at: number;
}

/** Why the Ledger tab was opened from elsewhere (a way out of a refusal): what to prefill and focus. */
export type LedgerIntent = { kind: 'buy'; surface: Surface; credits: number } | { kind: 'plan' } | { kind: 'budget' } | null;

/** Local UI state: selection, theme, notices. Only the theme is persisted (a UI preference). */
export interface UiSlice {
  selectedProjectId: string | null;
  theme: Theme;
  notices: Notice[];
  /** Who this session is; null until the door says (reviewer and producer links see less). */
  role: Role | null;
  setRole(role: Role): void;
  selectProject(id: string | null): void;
  setTheme(theme: Theme): void;
  notify(kind: Notice['kind'], text: string): void;
  dismissNotice(id: number): void;
  ledgerIntent: LedgerIntent;
  /** Opens the Ledger tab, prefilled for a way out (buy these credits, switch plan, raise the budget). */
  openLedger(intent: LedgerIntent): void;
}

let nextNoticeId = 1;

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => ({
  selectedProjectId: null,
  theme: 'dark',
  notices: [],
  role: null,
  setRole: (role) => set({ role }),
  selectProject: (id) => set({ selectedProjectId: id }),
  setTheme: (theme) => set({ theme }),
  notify: (kind, text) => {
    // The same message twice (several calls failing for one reason) is shown once.
    if (get().notices.some((n) => n.kind === kind && n.text === text)) return;
    // At most five on screen, and at most two passing infos (undo feedback comes in bursts).
    const kept = get().notices.filter((n, i, all) => n.kind === 'error' || all.slice(i + 1).filter((m) => m.kind === 'info').length < (kind === 'info' ? 1 : 2));
    set({ notices: [...kept.slice(-4), { id: nextNoticeId++, kind, text, at: Date.now() }] });
  },
  dismissNotice: (id) => set({ notices: get().notices.filter((n) => n.id !== id) }),
  ledgerIntent: null,
  openLedger: (ledgerIntent) => set({ ledgerIntent, tab: 'ledger' }),
});
