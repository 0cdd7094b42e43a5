import type { StateCreator } from 'zustand';
import type { CallOutput, EventPayload } from '../../../shared/contract';
import type { EstimateResult, PlansView, ProviderBooksView, Quote } from '../../../shared/contract/credits';
import type { EstimateParamsInput } from '../../../shared/money/params';
import type { Balances, HistoryEntry } from '../../../shared/money/ledgerTypes';
import type { Surface } from '../../../shared/money/pools';
import type { Api } from '../../api/client';
import type { AppState } from '../index';

type ActiveConfig = CallOutput<'plans.active'>;

/** A cache of money: balances per pool, recent history, the plans and the active plan + rate card. */
export interface CreditsSlice {
  balances: Balances | null;
  history: HistoryEntry[];
  plans: PlansView | null;
  activeConfig: ActiveConfig | null;
  /** Runway's balance beside the books, as last compared (null before the first load, or without a key). */
  providerBooks: ProviderBooksView | null;
  /** Loads the last comparison; with `now`, reads Runway first (its balance, then its usage). */
  loadProviderBooks(now?: boolean): Promise<void>;
  /** Budgets set from this session, by project (core has no read call for them yet). */
  budgets: Record<string, number | null>;
  loadCredits(): Promise<void>;
  loadHistory(projectId?: string): Promise<void>;
  purchase(surface: Surface, credits: number): Promise<void>;
  /** Simulated credits for the local simulator (a grant: pretend money, where buying is not offered). */
  topUpSimulation(credits: number): Promise<void>;
  /** Makes another plan the active one (its pools, caps and prices apply from now on). */
  activatePlan(name: string): Promise<void>;
  setBudget(projectId: string, credits: number | null): Promise<void>;
  applyCreditsChanged(e: EventPayload<'credits.changed'>): void;
  /** Prices params under today's plan, spend and balances (nothing is stored). */
  quote(params: EstimateParamsInput, projectId: string | null): Promise<Quote>;
  /** Estimates params against earlier ones: the multiplier and the factors that changed. */
  compare(params: EstimateParamsInput, against: EstimateParamsInput): Promise<EstimateResult>;
}

export const createCreditsSlice =
  (api: Api): StateCreator<AppState, [], [], CreditsSlice> =>
  (set, get) => ({
    balances: null,
    history: [],
    plans: null,
    activeConfig: null,
    budgets: {},
    providerBooks: null,
    async loadProviderBooks(now = false) {
      set({ providerBooks: await api.call(now ? 'credits.syncProvider' : 'credits.provider', {}) });
    },
    async loadCredits() {
      const [balances, plans, activeConfig] = await Promise.all([api.call('credits.balances', {}), api.call('plans.list', {}), api.call('plans.active', {})]);
      set({ balances, plans, activeConfig });
    },
    async loadHistory(projectId) {
      set({ history: await api.call('credits.history', { limit: 200, ...(projectId ? { projectId } : {}) }) });
    },
    async purchase(surface, credits) {
      const id = `ui-purchase-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      set({ balances: await api.call('credits.purchase', { id, surface, credits, reason: 'bought from the ledger panel' }) });
    },
    async topUpSimulation(credits) {
      const id = `ui-topup-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      set({ balances: await api.call('credits.grant', { id, pool: 'local:grant', credits, reason: 'simulation top-up from the app' }) });
    },
    async activatePlan(name) {
      set({ plans: await api.call('plans.activate', { name }) });
      await get().loadCredits();
    },
    async setBudget(projectId, credits) {
      const r = await api.call('credits.setBudget', { projectId, credits });
      set({ budgets: { ...get().budgets, [r.projectId]: r.budget } });
    },
    applyCreditsChanged(e) {
      set({ balances: e.balances });
    },
    quote: (params, projectId) => api.call('credits.quote', { params, projectId }),
    compare: (params, against) => api.call('credits.estimate', { params, against }),
  });
