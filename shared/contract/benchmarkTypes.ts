import { z } from 'zod';
import { ProviderId } from '../money/params';
import { Day } from './insightTypes';

/**
 * The quarterly benchmark's report (docs/sources.md 003): ten jobs' records, the figures, what the run showed, and
 * the plan-config proposal as a diff the user can apply.
 */
const Int = z.number().int();
const Fraction = z.number();

// ── quarterly benchmark ─────────────────────────────────────────────────────

export const BenchmarkJob = z.object({
  kind: z.enum(['small', 'big']),
  jobId: z.string().nullable(),
  paramsHash: z.string().nullable(),
  model: z.string(),
  durationSec: z.number(),
  ratio: z.string(),
  variations: Int,
  /** ok, fail, refused (the guard or the provider said no before anything ran). */
  status: z.enum(['ok', 'fail', 'refused']),
  estimated: Int.nullable(),
  charged: Int.nullable(),
  creditsBefore: Int.nullable(),
  creditsAfter: Int.nullable(),
  /** Worst attempt of the job's tasks (ms). */
  queueTimeMs: Int.nullable(),
  latencyMs: Int.nullable(),
  errorCode: z.string().nullable(),
});
export type BenchmarkJob = z.infer<typeof BenchmarkJob>;

export const PlanChange = z.object({ path: z.string(), from: z.unknown(), to: z.unknown(), why: z.string() });
export type PlanChange = z.infer<typeof PlanChange>;

export const PlanProposal = z.object({
  plan: z.string(),
  /** The file the proposal was made from (built-in or user), and the user file applying writes. */
  baseFile: z.string(),
  targetFile: z.string(),
  /** sha256 of the base file's text: applying is refused when the file changed since. */
  baseSha256: z.string(),
  changes: z.array(PlanChange),
  /** Unified diff of the plan file. */
  diff: z.string(),
  /** The whole proposed file. */
  text: z.string(),
});
export type PlanProposal = z.infer<typeof PlanProposal>;

export const BenchmarkSummary = z.object({
  jobs: Int,
  failures: Int,
  refused: Int,
  failureRate: Fraction.nullable(),
  seconds: z.number(),
  credits: Int,
  effectiveCreditsPerSecond: z.number().nullable(),
  cardCreditsPerSecond: z.number().nullable(),
  p95LatencyMs: Int.nullable(),
  p95QueueMs: Int.nullable(),
});
export type BenchmarkSummary = z.infer<typeof BenchmarkSummary>;

export const BenchmarkReport = z.object({
  id: z.string(),
  day: Day,
  provider: ProviderId,
  plan: z.string(),
  model: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** The dated report in <dataDir>/benchmarks. */
  file: z.string(),
  jobs: z.array(BenchmarkJob),
  summary: BenchmarkSummary,
  /** What the run showed, in words (limits met, failures, how the rate compares with the card). */
  findings: z.array(z.string()),
  proposal: PlanProposal,
  appliedAt: z.string().nullable(),
});
export type BenchmarkReport = z.infer<typeof BenchmarkReport>;
