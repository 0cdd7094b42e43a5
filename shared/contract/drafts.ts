import { z } from 'zod';
import { ArtifactClass } from '../money/params';
import { mutation, query } from './define';
import { JobId, TakeId } from './jobs';
import { ProjectId } from './projects';
import { ShotId } from './shots';

/**
 * The draft form as the user left it, kept by core so nothing typed is lost (tab changes, a
 * restart, another door): one draft per project and shot (`shotId` null is the "new shot" draft).
 * Prompts are sealed at rest like a job's. A recipe is a take's or a job's settings as a draft
 * (InvokeAI's recall): "Reuse" on a take and "Edit & retry" on a failed job fill the form with it.
 */
export const DraftValues = z
  .object({
    provider: z.enum(['local', 'runway']),
    model: z.string().min(1).max(100),
    prompt: z.string().max(1000, 'must be at most 1000 characters'),
    negativePrompt: z.string().max(1000, 'must be at most 1000 characters'),
    /** As typed (checked when generating); empty = a random seed. */
    seed: z.string().max(20, 'must be at most 20 characters'),
    durationSec: z.number().positive().max(600).nullable(),
    ratio: z.string().max(40),
    variations: z.number().int().min(1).max(16),
    audio: z.boolean(),
    artifactClass: ArtifactClass,
    outputFormat: z.string().max(40).nullable(),
    /** The take this draft reuses: a new take made from it stacks on it. */
    sourceTakeId: TakeId.nullable(),
  })
  .strict();
export type DraftValues = z.infer<typeof DraftValues>;

export const Draft = z.object({
  projectId: ProjectId,
  /** The shot the draft is for; null: a shot the first Generate creates (named `newShotName`). */
  shotId: ShotId.nullable(),
  newShotName: z.string(),
  values: DraftValues,
  updatedAt: z.number().int(),
});
export type Draft = z.infer<typeof Draft>;

export const SaveDraft = z
  .object({
    projectId: ProjectId,
    shotId: ShotId.nullable(),
    newShotName: z.string().max(120, 'must be at most 120 characters').default(''),
    values: DraftValues,
  })
  .strict();

/** A take's (or a failed job's) settings, ready for the draft form. */
export const Recipe = z.object({ projectId: ProjectId, shotId: ShotId, values: DraftValues });
export type Recipe = z.infer<typeof Recipe>;

export const draftsCalls = {
  /** The project's drafts, newest first (the form opens on the first). */
  'drafts.list': query(z.object({ projectId: ProjectId }).strict(), z.array(Draft)),
  'drafts.save': mutation(SaveDraft, Draft),
  /** A take's prompt, negative prompt, own seed, model and settings, stacked on the take (one variation). */
  'takes.recipe': query(z.object({ id: TakeId }).strict(), Recipe),
  /** A job's settings as submitted (edit & retry of a failed job). */
  'jobs.recipe': query(z.object({ id: JobId }).strict(), Recipe),
} as const;
