import { z } from 'zod';
import { ProviderId } from '../money/params';
import { Surface } from '../money/pools';

/**
 * What the dashboards, `circletake report` and the decision framework show: figures computed from
 * the attempts log, the ledger, the jobs and the board, as plain integers and fractions (a rate of
 * 0.25 is 25 %). Every figure is null when there is nothing to divide by, never 0 or Infinity.
 */
export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day like 2026-11-22');

const Int = z.number().int();
const Fraction = z.number();

export const StageKey = z.enum(['generate', 'refine', 'upscale', 'export', 'none']);
export type StageKey = z.infer<typeof StageKey>;
export const ClassKey = z.enum(['preview', 'release', 'none']);
export type ClassKey = z.infer<typeof ClassKey>;

export const SpendDay = z.object({
  day: Day,
  /** Net credits spent that day: captured and debited, minus refunds. */
  credits: Int,
  byStage: z.record(StageKey, Int),
  byClass: z.record(ClassKey, Int),
});
export type SpendDay = z.infer<typeof SpendDay>;

export const SpendWeek = z.object({
  /** The Monday (UTC) the week starts on. */
  weekStart: Day,
  credits: Int,
  /** (this − previous) ÷ previous; null for the first week or after a week with no spend. */
  change: Fraction.nullable(),
  /** |change| above the cost-volatility threshold (30 %). */
  isFlagged: z.boolean(),
  /** False for the week still running (its change is not judged). */
  isComplete: z.boolean(),
});
export type SpendWeek = z.infer<typeof SpendWeek>;

export const LatencyRow = z.object({
  provider: z.string(),
  model: z.string(),
  status: z.string(),
  attempts: Int,
  /** Nearest-rank 95th percentile, ms (null without samples). */
  p95QueueMs: Int.nullable(),
  p95LatencyMs: Int.nullable(),
  /** Queue time + provider latency of the same attempt. */
  p95EndToEndMs: Int.nullable(),
});
export type LatencyRow = z.infer<typeof LatencyRow>;

export const FailureWindow = z.object({
  start: z.string(),
  attempts: Int,
  failures: Int,
  rate: Fraction,
});

export const ExportFailures = z.object({
  /** Release-class (export stage) attempts that reached an end: ok, fail, timeout or unknown. */
  attempts: Int,
  failures: Int,
  rate: Fraction.nullable(),
  /** The 30-minute window with the highest failure rate (ties: the latest). */
  worstWindow: FailureWindow.nullable(),
});
export type ExportFailures = z.infer<typeof ExportFailures>;

export const RerenderWeek = z.object({
  weekStart: Day,
  /** Provider attempts (cache hits and refused creates are not renders). */
  attempts: Int,
  /** Takes published (exported) that week. */
  shipped: Int,
  rate: Fraction.nullable(),
  isFlagged: z.boolean(),
});
export type RerenderWeek = z.infer<typeof RerenderWeek>;

export const EstimateRow = z.object({
  provider: z.string(),
  model: z.string(),
  /** The output spec's picture ("1280:720", or "default" when none was asked). */
  resolution: z.string(),
  /** Successful attempts with a known cost. */
  samples: Int,
  seconds: z.number(),
  estimated: Int,
  actual: Int,
  /** (estimated − actual) ÷ actual: positive means the estimator asks for too much. */
  error: Fraction.nullable(),
  /** Mean of |estimated − actual| ÷ actual over attempts. */
  meanAbsError: Fraction.nullable(),
  /** What the estimator assumed per second of output, and what was measured. */
  cardCreditsPerSecond: z.number().nullable(),
  learnedCreditsPerSecond: z.number().nullable(),
  /** Samples measured from the balance moving (credits_before − credits_after) vs the provider's reported cost. */
  fromBalance: Int,
  fromReported: Int,
});
export type EstimateRow = z.infer<typeof EstimateRow>;

export const YieldFigures = z.object({
  keptTakes: Int,
  approvedFinals: Int,
  shippedAssets: Int,
  previewCredits: Int,
  totalCredits: Int,
  /** Preview spend ÷ kept takes. */
  creditsPerKeptTake: z.number().nullable(),
  /** All spend (previews and releases) ÷ approved finals. */
  creditsPerApprovedFinal: z.number().nullable(),
  cacheHits: Int,
  creditsSaved: Int,
  /** Credits given back after settlement (ledger refunds). */
  refunded: Int,
});
export type YieldFigures = z.infer<typeof YieldFigures>;

export const Report = z.object({
  asOf: z.string(),
  since: Day,
  /** Exclusive end day. */
  until: Day,
  projectId: z.string().nullable(),
  spend: z.object({
    credits: Int,
    byStage: z.record(StageKey, Int),
    byClass: z.record(ClassKey, Int),
    byDay: z.array(SpendDay),
    weeks: z.array(SpendWeek),
    /** Net spend by who spent it, most first: a studio member (id mem_…, with their name), a name a local session tagged with, or no one (null). */
    byUser: z.array(z.object({ userId: z.string().nullable(), name: z.string().nullable(), credits: Int })),
  }),
  attempts: z.object({ total: Int, byStatus: z.record(z.string(), Int) }),
  latency: z.array(LatencyRow),
  exportFailures: ExportFailures,
  rerender: z.object({ weeks: z.array(RerenderWeek), last7Days: RerenderWeek }),
  estimates: z.array(EstimateRow),
  yield: YieldFigures,
});
export type Report = z.infer<typeof Report>;

// ── forecast ────────────────────────────────────────────────────────────────

export const BurnPoint = z.object({ day: Day, credits: Int, isProjected: z.boolean() });
export type BurnPoint = z.infer<typeof BurnPoint>;

export const PoolForecast = z.object({
  pool: z.string(),
  surface: Surface,
  /** Available now (after queued work's reservations). */
  available: Int,
  /** Held by queued and running jobs. */
  reserved: Int,
  /** Planned work drawn from this pool (in draw order). */
  planned: Int,
  /** Average net spend per day over the last 7 days on this pool. */
  burnPerDay: z.number(),
  /** When the pool resets (allowance), else null; the horizon is then horizonDays. */
  resetsAt: z.string().nullable(),
  daysToHorizon: z.number(),
  /** available − planned ≥ 0: the queued and planned work fit. */
  fits: z.boolean(),
  /** Left at the horizon at the current pace, after planned work. */
  projectedLeft: Int,
  fitsAtPace: z.boolean(),
  /** The day the pool runs dry at the current pace (after planned work), if before the horizon. */
  runsOutOn: Day.nullable(),
  burnDown: z.array(BurnPoint),
});
export type PoolForecast = z.infer<typeof PoolForecast>;

export const BudgetForecast = z.object({
  projectId: z.string(),
  projectName: z.string(),
  budget: Int,
  spent: Int,
  planned: Int,
  left: Int,
  fits: z.boolean(),
});
export type BudgetForecast = z.infer<typeof BudgetForecast>;

/** Work not yet submitted: its credits per surface (web, api, platform, local), and the project it is for. */
export const PlannedWork = z.object({ label: z.string(), projectId: z.string().nullable(), credits: Int, surfaces: z.record(z.string(), Int) });
export type PlannedWork = z.infer<typeof PlannedWork>;

export const Forecast = z.object({
  asOf: z.string(),
  horizonDays: Int,
  planned: z.array(PlannedWork),
  pools: z.array(PoolForecast),
  budgets: z.array(BudgetForecast),
});
export type Forecast = z.infer<typeof Forecast>;

// ── decision framework ──────────────────────────────────────────────────────

export const TriggerId = z.enum(['queue_stall', 'export_failures', 'cost_volatility', 'rerender_rate', 'release_blocked']);
export type TriggerId = z.infer<typeof TriggerId>;

export const Recommendation = z.object({
  id: TriggerId,
  signal: z.string(),
  threshold: z.string(),
  /** act: past the threshold on enough evidence; watch: past it on too little to act on; ok: not past it. */
  level: z.enum(['act', 'watch', 'ok']),
  /** level === 'act'. */
  isTriggered: z.boolean(),
  /** How much evidence there is, and the least the trigger needs before it may say act. */
  samples: z.number().int().min(0),
  minSamples: z.number().int().min(1),
  /** What a sample is ("shipped assets in the last 7 days"). */
  sampleUnit: z.string(),
  /** What the recorded data shows, in words, and the numbers behind it. */
  evidence: z.string(),
  figures: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  action: z.string(),
});
export type Recommendation = z.infer<typeof Recommendation>;

export const WorkingHours = z
  .object({
    /** Local hours [start, end), 0–24. */
    startHour: z.number().int().min(0).max(23),
    endHour: z.number().int().min(1).max(24),
    /** Days of the week that are working days, 0 = Sunday. */
    days: z.array(z.number().int().min(0).max(6)).min(1),
    /** Local time = UTC + this many minutes. */
    utcOffsetMinutes: z.number().int().min(-840).max(840),
  })
  .strict()
  .refine((w) => w.endHour > w.startHour, { message: 'endHour must be after startHour', path: ['endHour'] });
export type WorkingHours = z.infer<typeof WorkingHours>;

export const InsightSettings = z
  .object({
    workingHours: WorkingHours,
    /** Successful attempts a learned rate needs before it can be switched on. */
    minCalibrationSamples: z.number().int().min(1).max(1000),
    /** The minimum release spec the work needs (what "export caps block output" compares against). */
    minReleaseSpec: z
      .object({ resolution: z.string().regex(/^\d{3,4}p$/, 'must be like "1080p"'), durationSec: z.number().positive(), format: z.string().min(1) })
      .strict(),
  })
  .strict();
export type InsightSettings = z.infer<typeof InsightSettings>;

// ── calibration ─────────────────────────────────────────────────────────────

export const CalibrationGroup = z.object({
  resolution: z.string(),
  samples: Int,
  cardCreditsPerSecond: z.number().nullable(),
  learnedCreditsPerSecond: z.number().nullable(),
  /** learned ÷ card: what the estimator multiplies by when this is switched on. */
  factor: z.number().nullable(),
});
export type CalibrationGroup = z.infer<typeof CalibrationGroup>;

export const CalibrationEntry = z.object({
  provider: ProviderId,
  model: z.string(),
  /** Every resolution together, then each one. */
  overall: CalibrationGroup,
  groups: z.array(CalibrationGroup),
  hasEnoughSamples: z.boolean(),
  isEnabled: z.boolean(),
  /** What the estimator uses now (frozen when it was switched on), or null when off. */
  applied: z.object({ overall: CalibrationGroup, groups: z.array(CalibrationGroup), since: z.string() }).nullable(),
});
export type CalibrationEntry = z.infer<typeof CalibrationEntry>;

export const CalibrationView = z.object({ minSamples: Int, entries: z.array(CalibrationEntry) });
export type CalibrationView = z.infer<typeof CalibrationView>;

// ── spend thresholds ────────────────────────────────────────────────────────

export const ProjectThresholds = z.object({
  projectId: z.string(),
  projectName: z.string(),
  thresholds: z.array(Int),
  /** 'set' by the user, or 'budget' (50/80/100 % of the project's budget), or 'none'. */
  source: z.enum(['set', 'budget', 'none']),
  spent: Int,
  crossed: z.array(Int),
});
export type ProjectThresholds = z.infer<typeof ProjectThresholds>;
