import type { StateCreator } from 'zustand';
import type { UsageReport } from '../../../shared/contract/usage';
import type { Api } from '../../api/client';
import type { AppState } from '../index';
import { sinceFor } from './insightSlice';

/** How many days the Costs tab's usage over time covers (one bucket a day). */
export type UsageDays = 7 | 30 | 90;

/**
 * Usage over time for the Costs tab (spend.usage): per member and per project, one bucket a day, over
 * the last 7, 30 or 90 days. Loaded when the section opens, when the range changes and (debounced by the
 * section) when credits move.
 */
export interface UsageSlice {
  usageDays: UsageDays;
  usageByUser: UsageReport | null;
  usageByProject: UsageReport | null;
  setUsageDays(days: UsageDays): void;
  loadUsage(today?: Date): Promise<void>;
}

export const createUsageSlice =
  (api: Api): StateCreator<AppState, [], [], UsageSlice> =>
  (set, get) => ({
    usageDays: 30,
    usageByUser: null,
    usageByProject: null,
    setUsageDays: (usageDays) => set({ usageDays }),
    async loadUsage(today = new Date()) {
      const days = get().usageDays;
      const from = sinceFor(days, today);
      const [usageByUser, usageByProject] = await Promise.all([
        api.call('spend.usage', { by: 'user', bucket: 'day', from }),
        api.call('spend.usage', { by: 'project', bucket: 'day', from }),
      ]);
      // An answer for a range the user has since left is dropped (the newer load answers it).
      if (get().usageDays === days) set({ usageByUser, usageByProject });
    },
  });
