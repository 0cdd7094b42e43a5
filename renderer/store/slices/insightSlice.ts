import type { StateCreator } from 'zustand';
import type { EventPayload } from '../../../shared/contract';
import type { BenchmarkReport } from '../../../shared/contract/benchmarkTypes';
import type { CalibrationView, Forecast, ProjectThresholds, Recommendation, Report } from '../../../shared/contract/insightTypes';
import type { ProviderId } from '../../../shared/money/params';
import type { Api } from '../../api/client';
import type { AppState } from '../index';

/** Which slice of history the dashboards show. */
export interface InsightScope {
  /** A project id, or null for every project. */
  projectId: string | null;
  days: 7 | 30 | 90;
}

/**
 * A cache of core's insight: the report, recommendations, forecast, calibration, the project's spend
 * thresholds and the benchmark runs. Reloaded when the dashboards open, when the scope changes and
 * (debounced by the panel) when money moves.
 */
export interface InsightSlice {
  insightScope: InsightScope;
  report: Report | null;
  recommendations: Recommendation[];
  forecast: Forecast | null;
  calibration: CalibrationView | null;
  thresholds: ProjectThresholds | null;
  benchmarks: BenchmarkReport[];
  benchmarkProgress: { done: number; total: number } | null;
  isInsightLoading: boolean;
  setInsightScope(scope: Partial<InsightScope>): void;
  loadInsight(today?: Date): Promise<void>;
  setCalibration(provider: ProviderId, model: string, isEnabled: boolean): Promise<void>;
  setThresholds(projectId: string, thresholds: number[]): Promise<void>;
  runBenchmark(): Promise<BenchmarkReport>;
  applyBenchmark(id: string): Promise<void>;
  applyBenchmarkProgressed(e: EventPayload<'benchmark.progressed'>): void;
}

/** The first day of a range of `days` days ending today (UTC, as core counts days). */
export function sinceFor(days: number, today: Date): string {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  d.setUTCDate(d.getUTCDate() - (days - 1));
  return d.toISOString().slice(0, 10);
}

export const createInsightSlice =
  (api: Api): StateCreator<AppState, [], [], InsightSlice> =>
  (set, get) => ({
    insightScope: { projectId: null, days: 30 },
    report: null,
    recommendations: [],
    forecast: null,
    calibration: null,
    thresholds: null,
    benchmarks: [],
    benchmarkProgress: null,
    isInsightLoading: false,
    setInsightScope: (scope) => set({ insightScope: { ...get().insightScope, ...scope } }),
    async loadInsight(today = new Date()) {
      const { projectId, days } = get().insightScope;
      const range = { since: sinceFor(days, today), ...(projectId ? { projectId } : {}) };
      const selected = get().selectedProjectId;
      set({ isInsightLoading: true });
      try {
        const [report, recommendations, forecast, calibration, benchmarks, thresholds] = await Promise.all([
          api.call('insight.report', range),
          api.call('insight.recommendations', range),
          api.call('insight.forecast', projectId ? { projectId } : {}),
          api.call('insight.calibration', {}),
          api.call('benchmark.list', {}),
          selected ? api.call('insight.thresholds', { projectId: selected }) : Promise.resolve([]),
        ]);
        set({ report, recommendations, forecast, calibration, benchmarks, thresholds: thresholds[0] ?? null });
      } finally {
        set({ isInsightLoading: false });
      }
    },
    async setCalibration(provider, model, isEnabled) {
      set({ calibration: await api.call('insight.setCalibration', { provider, model, isEnabled }) });
    },
    async setThresholds(projectId, thresholds) {
      set({ thresholds: await api.call('insight.setThresholds', { projectId, thresholds }) });
    },
    async runBenchmark() {
      set({ benchmarkProgress: { done: 0, total: 10 } });
      try {
        const report = await api.call('benchmark.run', { provider: 'local' });
        set({ benchmarks: [report, ...get().benchmarks.filter((b) => b.id !== report.id)] });
        return report;
      } finally {
        set({ benchmarkProgress: null });
      }
    },
    async applyBenchmark(id) {
      await api.call('benchmark.apply', { id });
      set({ benchmarks: await api.call('benchmark.list', {}) });
    },
    applyBenchmarkProgressed(e) {
      if (get().benchmarkProgress) set({ benchmarkProgress: { done: e.done, total: e.total } });
    },
  });
