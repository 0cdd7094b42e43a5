import { z } from 'zod';
import { Empty, mutation, query } from './define';
import { EstimateParams, ProviderId } from '../money/params';
import { ConfigName } from '../money/planSchema';
import { ProjectId } from './projects';
import { BenchmarkReport } from './benchmarkTypes';
import {
  CalibrationView,
  Day,
  Forecast,
  InsightSettings,
  ProjectThresholds,
  Recommendation,
  Report,
} from './insightTypes';

export * from './insightTypes';
export * from './benchmarkTypes';

/**
 * What it really costs: the dashboards' report, the spend forecast, the decision framework's
 * recommendations, calibration of the estimator (switched on per provider and model, never silently),
 * per-project spend thresholds, and the quarterly benchmark with its plan-config proposal.
 * Reads are open to producers; anything that changes money behaviour needs the owner.
 */
const Range = z
  .object({
    /** First day (UTC) included; default 30 days ago. */
    since: Day.optional(),
    /** Day (UTC) the range ends before; default tomorrow (everything up to now). */
    until: Day.optional(),
    projectId: ProjectId.optional(),
  })
  .strict();

export const PlannedInput = z
  .object({
    params: EstimateParams,
    count: z.number().int('must be a whole number').min(1).max(10_000),
    label: z.string().trim().min(1).max(120).optional(),
  })
  .strict();

export const BenchmarkRunInput = z
  .object({
    provider: ProviderId.refine((p) => p !== 'import', { message: 'must be local or runway (an import has nothing to measure)' }).default('local'),
    /** The plan the proposal is for (default: the active plan). */
    plan: ConfigName.optional(),
    /** The model to measure (default: the card's first text-to-video model the provider accepts). */
    model: z.string().min(1).optional(),
    /** Runway spends real credits: the caller confirms it saw the estimate. */
    isConfirmed: z.boolean().default(false),
  })
  .strict();

export const BenchmarkPlan = z.object({
  provider: ProviderId,
  model: z.string(),
  /** Jobs the run would submit. */
  jobs: z.number().int(),
  /** Credits they are estimated to cost. */
  estimated: z.number().int(),
  /** The local simulator: nothing real is spent. */
  isSimulation: z.boolean(),
  /** The plan the proposal would be for. */
  plan: z.string(),
  notes: z.array(z.string()),
});

export const insightCalls = {
  'insight.report': query(Range, Report),
  'insight.forecast': query(
    z
      .object({
        projectId: ProjectId.optional(),
        /** Work not yet submitted (the shortlist awaiting finalize is always included). */
        planned: z.array(PlannedInput).max(200).default([]),
        /** Horizon for pools that never reset, days. */
        horizonDays: z.number().int().min(1).max(366).default(30),
      })
      .strict(),
    Forecast,
  ),
  'insight.recommendations': query(Range, z.array(Recommendation)),
  'insight.calibration': query(Empty, CalibrationView),
  /**
   * Switches the learned rate on or off for one provider and model. On freezes the rates learned so
   * far (refused without enough samples); the estimator then shows a `calibration` factor.
   */
  'insight.setCalibration': mutation(z.object({ provider: ProviderId, model: z.string().min(1), isEnabled: z.boolean() }).strict(), CalibrationView),
  'insight.settings': query(Empty, InsightSettings),
  'insight.setSettings': mutation(InsightSettings.partial().strict(), InsightSettings),
  'insight.thresholds': query(z.object({ projectId: ProjectId.optional() }).strict(), z.array(ProjectThresholds)),
  /** Per-project spend thresholds (credits of the project's spend); [] clears them. */
  'insight.setThresholds': mutation(
    z
      .object({
        projectId: ProjectId,
        thresholds: z.array(z.number().int('must be a whole number of credits').positive('must be more than 0')).max(20),
      })
      .strict(),
    ProjectThresholds,
  ),
  'benchmark.list': query(Empty, z.array(BenchmarkReport)),
  /** What a benchmark.run with this input would submit and what it is estimated to cost (nothing is submitted). */
  'benchmark.plan': query(BenchmarkRunInput, BenchmarkPlan),
  'benchmark.run': mutation(BenchmarkRunInput, BenchmarkReport),
  /** Writes the proposed plan file into <dataDir>/plans and reloads the plans. */
  'benchmark.apply': mutation(z.object({ id: z.string().min(1) }).strict(), z.object({ id: z.string(), plan: z.string(), file: z.string(), version: z.number().int(), checkedAt: z.string() })),
} as const;

export const insightEvents = {
  /** A project's spend passed one of its thresholds (once per crossing). */
  'insight.thresholdCrossed': z.object({ projectId: z.string(), projectName: z.string(), threshold: z.number().int(), spent: z.number().int() }),
  'insight.calibrationChanged': z.object({ provider: ProviderId, model: z.string(), isEnabled: z.boolean() }),
  /** One benchmark job finished (done of total). */
  'benchmark.progressed': z.object({ id: z.string(), done: z.number().int(), total: z.number().int() }),
} as const;
