import { z } from 'zod';
import { EstimateParams } from './money/params';

/**
 * Everything a generation job asks for: the money params plus the creative ones. The prompt is
 * creative intent — it is hashed into params_hash and the idempotency key, encrypted at rest, and
 * never written to a path or a log.
 */
export const GenerationParams = EstimateParams.extend({
  prompt: z.string().max(1000, 'must be at most 1000 characters').default(''),
  negativePrompt: z.string().max(1000, 'must be at most 1000 characters').optional(),
  seed: z.number().int('must be a whole number').min(0).max(4294967295).optional(),
  /** A local file path or an HTTPS URL. */
  promptImage: z.string().min(1).max(2048).optional(),
  /** Import only: the clip made elsewhere (an absolute path) that becomes this job's take. */
  sourceFile: z.string().min(1).max(4096).optional(),
})
  .strict()
  .refine((p) => (p.provider === 'import') === (p.sourceFile !== undefined), {
    message: 'an import names its clip (sourceFile), and only an import does',
    path: ['sourceFile'],
  })
  .refine((p) => hasSomethingToRender(p), {
    message: 'describe the shot (or give a prompt image): an empty prompt with no image would be charged for nothing',
    path: ['prompt'],
  });

/** A render needs a prompt with some text, or a prompt image; an import brings its own clip. */
export function hasSomethingToRender(p: { provider: string; prompt?: string | undefined; promptImage?: string | undefined }): boolean {
  return p.provider === 'import' || p.promptImage !== undefined || (p.prompt ?? '').trim() !== '';
}

export type GenerationParams = z.output<typeof GenerationParams>;
export type GenerationParamsInput = z.input<typeof GenerationParams>;
