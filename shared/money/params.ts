import { z } from 'zod';
import { Credits } from './pools';

/**
 * What a generation asks for, as far as money is concerned: the `circletake estimate --json` params.
 * The job queue extends this with the creative fields (see shared/jobParams.ts).
 */
export const ArtifactClass = z.enum(['preview', 'release']);
export type ArtifactClass = z.infer<typeof ArtifactClass>;

export const ProviderId = z.enum(['local', 'runway', 'import']);
export type ProviderId = z.infer<typeof ProviderId>;

export const Ratio = z.string().regex(/^\d{2,5}:\d{2,5}$/, 'must be a pixel ratio like "1280:720"');

export const EstimateParams = z
  .object({
    provider: ProviderId.default('runway'),
    model: z.string().min(1, 'must name a model'),
    durationSec: z.number().positive('must be more than 0 seconds').max(600).optional(),
    ratio: Ratio.optional(),
    variations: z.number().int('must be a whole number').min(1).max(16).default(1),
    audio: z.boolean().default(false),
    artifactClass: ArtifactClass.default('preview'),
    outputFormat: z.string().min(1).optional(),
    upscale: z.boolean().default(false),
    /** Import only: the credits the clip cost where it was made (user-entered). */
    enteredCredits: Credits.optional(),
    /** Ask for a relaxed, 0-credit Explore Mode generation (plans with explore_mode, eligible models only). */
    explore: z.boolean().optional(),
  })
  .strict();

export type EstimateParams = z.output<typeof EstimateParams>;
export type EstimateParamsInput = z.input<typeof EstimateParams>;
