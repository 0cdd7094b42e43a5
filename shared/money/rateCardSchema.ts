import { z } from 'zod';
import { ConfigMeta, IsoDate, ResolutionCap } from './planSchema';
import { Ratio } from './params';

/**
 * A rate card: what each model costs, in credits, on one provider (resources/rates/*.yaml, or
 * <dataDir>/rates/*.yaml). Three pricing shapes:
 * - `per_second`       credits_per_second × seconds (audio_credits_per_second replaces it when audio is on);
 * - `per_image`        credits_per_image, or credits_per_image_by_resolution ({"720p": 5, "1080p": 8}: the
 *                      smallest tier whose short side is at least the picture's);
 * - `per_pixel_second` credits_per_second at the card's base_ratio, scaled by pixel count.
 * Surcharges add credits per second (an output format, a picture above N pixels). Retired models stay
 * listed with their successor so old jobs still read, and new estimates are refused naming it.
 */
const Rate = z.number().positive('must be more than 0');

const Durations = z.union([
  z.array(z.number().positive()).min(1),
  z.object({ min: z.number().positive(), max: z.number().positive(), step: z.number().positive() }).strict(),
]);
export type Durations = z.infer<typeof Durations>;

const Surcharge = z
  .object({
    name: z.string().min(1),
    credits_per_second: Rate,
    when_format: z.array(z.string().min(1)).min(1).optional(),
    when_pixels_above: z.number().int().positive().optional(),
  })
  .strict()
  .refine((s) => (s.when_format === undefined) !== (s.when_pixels_above === undefined), {
    message: 'give exactly one of when_format or when_pixels_above',
  });

export const ModelRate = z
  .object({
    kind: z.enum(['video', 'image']),
    pricing: z.enum(['per_second', 'per_image', 'per_pixel_second']),
    credits_per_second: Rate.optional(),
    audio_credits_per_second: Rate.optional(),
    credits_per_image: Rate.optional(),
    credits_per_image_by_resolution: z.record(ResolutionCap, Rate).optional(),
    durations: Durations.optional(),
    default_duration: z.number().positive().optional(),
    ratios: z.array(Ratio).min(1),
    output_formats: z.array(z.string().min(1)).min(1).optional(),
    surcharges: z.array(Surcharge).optional(),
    /** Listed but without a published rate: estimates are refused with that reason. */
    unpriced: z.boolean().optional(),
    retired: z.object({ successor: z.string().min(1), since: IsoDate.optional() }).strict().optional(),
    notes: z.string().optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.unpriced) return;
    const need = (field: keyof typeof m, why: string) => {
      if (m[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `is required ${why}` });
    };
    if (m.pricing === 'per_second' || m.pricing === 'per_pixel_second') need('credits_per_second', `for pricing ${m.pricing}`);
    if (m.pricing === 'per_image' && m.credits_per_image === undefined && m.credits_per_image_by_resolution === undefined) {
      ctx.addIssue({ code: 'custom', path: ['credits_per_image'], message: 'is required for pricing per_image (or credits_per_image_by_resolution)' });
    }
    if (m.kind === 'video') need('durations', 'for a video model');
    if (m.kind === 'image' && m.pricing !== 'per_image') ctx.addIssue({ code: 'custom', path: ['pricing'], message: 'must be per_image for an image model' });
  });
export type ModelRate = z.infer<typeof ModelRate>;

const Pass = z
  .object({
    credits_per_second: Rate.optional(),
    credits_per_image: Rate.optional(),
    multiplier: z.number().gt(1).optional(),
    notes: z.string().optional(),
  })
  .strict()
  .refine((p) => p.credits_per_second !== undefined || p.credits_per_image !== undefined || p.multiplier !== undefined, {
    message: 'give credits_per_second, credits_per_image or multiplier',
  });

export const RateCard = z
  .object({
    rate_card: ConfigMeta.extend({
      /** Dollars per credit when credits are bought per credit (Runway API: 0.01); null when unknown. */
      usd_per_credit: z.number().positive().nullable(),
      /** The picture per_pixel_second rates are quoted at. */
      base_ratio: Ratio.optional(),
      /** Who charges these prices (runway, a generic pixel-priced provider, …): shown next to the card. */
      provider: z.string().min(1),
    }).strict(),
    passes: z.object({ upscale: Pass.optional() }).strict(),
    models: z.record(z.string().min(1), ModelRate).refine((m) => Object.keys(m).length > 0, { message: 'must list at least one model' }),
  })
  .strict()
  .superRefine((card, ctx) => {
    for (const [name, m] of Object.entries(card.models)) {
      if (m.pricing === 'per_pixel_second' && !card.rate_card.base_ratio) {
        ctx.addIssue({ code: 'custom', path: ['rate_card', 'base_ratio'], message: `is required: model ${name} is priced per pixel` });
      }
    }
  });
export type RateCard = z.infer<typeof RateCard>;
