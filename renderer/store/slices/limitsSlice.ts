import type { StateCreator } from 'zustand';
import type { CallInput } from '../../../shared/contract';
import type { LimitsView, WebhookDelivery } from '../../../shared/money/limits';
import type { Api } from '../../api/client';
import type { AppState } from '../index';

/** The limits and spend notices an admin sets (the Ledger tab's "Limits and notices"), with the webhook's recent sends. */
export interface LimitsSlice {
  limits: LimitsView | null;
  deliveries: WebhookDelivery[];
  loadLimits(): Promise<void>;
  setUserLimits(input: CallInput<'credits.setUserLimits'>): Promise<void>;
  setProjectDailyCap(projectId: string, daily: number | null): Promise<void>;
  setNotifySettings(input: CallInput<'credits.setNotifySettings'>): Promise<void>;
}

export const createLimitsSlice =
  (api: Api): StateCreator<AppState, [], [], LimitsSlice> =>
  (set) => ({
    limits: null,
    deliveries: [],
    async loadLimits() {
      const [limits, deliveries] = await Promise.all([api.call('credits.limits', {}), api.call('credits.webhookDeliveries', { limit: 5 })]);
      set({ limits, deliveries });
    },
    async setUserLimits(input) {
      set({ limits: await api.call('credits.setUserLimits', input) });
    },
    async setProjectDailyCap(projectId, daily) {
      set({ limits: await api.call('credits.setProjectDailyCap', { projectId, daily }) });
    },
    async setNotifySettings(input) {
      set({ limits: await api.call('credits.setNotifySettings', input) });
    },
  });
