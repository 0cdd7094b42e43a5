import { z } from 'zod';
import { Refusal } from '../money/guards';
import { mutation, query } from './define';
import { JobId, TakeId } from './jobs';
import { ProjectId } from './projects';
import { ShotId } from './shots';

export const FinalizeItem = z.object({
  takeId: TakeId,
  shotId: ShotId,
  shotName: z.string(),
  model: z.string(),
  durationSec: z.number().nullable(),
  ratio: z.string().nullable(),
  /** What the preview take cost. */
  previewCredits: z.number().int(),
  /** What its release re-render is estimated to cost. */
  releaseCredits: z.number().int(),
});

/** The batch confirmation: what finalize will re-render at release spec, and what it costs. */
export const FinalizePlan = z.object({
  projectId: ProjectId,
  items: z.array(FinalizeItem),
  totalCredits: z.number().int(),
  /** Credits per surface the batch draws on, with available balances before → after. */
  pools: z.record(z.string(), z.number().int()),
  before: z.record(z.string(), z.number().int()),
  after: z.record(z.string(), z.number().int()),
  /** What the previews being finalized cost, and total ÷ that. */
  previewCredits: z.number().int(),
  multiplier: z.number().nullable(),
  refusals: z.array(Refusal),
  /** Shortlisted takes finalize leaves alone, and why (an imported clip is re-rendered where it was made). */
  skipped: z.array(z.object({ takeId: TakeId, reason: z.string() })),
  canRun: z.boolean(),
});
export type FinalizePlan = z.infer<typeof FinalizePlan>;

const Selection = z.object({
  projectId: ProjectId,
  /** Keep the top N takes per shot (sets the project's shortlist rule). */
  top: z.number().int().min(1).max(1000).optional(),
  /** Keep the top X % per shot (sets the project's shortlist rule). */
  topPercent: z.number().int().min(1).max(100).optional(),
});

export const finalizeCalls = {
  'finalize.plan': query(Selection.strict(), FinalizePlan),
  /**
   * Re-renders the shortlisted takes at release spec (never a promotion). `expectedCredits` is the
   * total the user confirmed: if the plan now costs more, nothing is submitted.
   */
  'finalize.run': mutation(
    z.object({ projectId: ProjectId, takeIds: z.array(TakeId).min(1, 'pick at least one take'), expectedCredits: z.number().int().min(0) }).strict(),
    z.object({ jobIds: z.array(JobId), failed: z.array(z.object({ takeId: TakeId, code: z.string(), message: z.string() })) }),
  ),
} as const;
