import type { insightCalls } from '../../../shared/contract/insight';
import type { Core } from '../createCore';
import type { Handlers } from '../dispatch';

/** The insight and benchmark calls: thin calls into core.insight, core.benchmark and core.projectSpend. Spread into handlers.ts. */
export function insightHandlers(core: Pick<Core, 'insight' | 'benchmark' | 'projectSpend'>): Pick<Handlers, keyof typeof insightCalls> {
  return {
    'insight.report': (r) => core.insight.report(r),
    'insight.forecast': (req) => core.insight.forecast(req),
    'insight.recommendations': (r) => core.insight.recommendations(r),
    'insight.calibration': () => core.insight.calibration(),
    'insight.setCalibration': ({ provider, model, isEnabled }) => core.insight.setCalibration(provider, model, isEnabled),
    'insight.settings': () => core.insight.settings(),
    'insight.setSettings': (patch) => core.insight.setSettings(patch),
    'insight.thresholds': ({ projectId }) => core.projectSpend.list(projectId),
    'insight.setThresholds': ({ projectId, thresholds }) => core.projectSpend.set(projectId, thresholds),
    'benchmark.list': () => core.benchmark.list(),
    'benchmark.plan': (input) => {
      const p = core.benchmark.plan(input);
      return { provider: input.provider, model: p.spec.model, jobs: p.jobs.length, estimated: p.estimated, isSimulation: p.provider.isSimulation, plan: p.target, notes: p.notes };
    },
    'benchmark.run': (input) => core.benchmark.run(input),
    'benchmark.apply': ({ id }) => core.benchmark.apply(id),
  };
}
