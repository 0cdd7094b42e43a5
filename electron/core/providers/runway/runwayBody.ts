import type RunwayML from '@runwayml/sdk';
import type { GenerationParams } from '../../../../shared/jobParams';
import type { RunwayPlan } from './runwayValidate';

type ImageToVideoCreateParams = RunwayML.ImageToVideoCreateParams;
type TextToVideoCreateParams = RunwayML.TextToVideoCreateParams;

export type RunwayBody = { endpoint: 'image_to_video'; body: ImageToVideoCreateParams } | { endpoint: 'text_to_video'; body: TextToVideoCreateParams };

/**
 * The request body for a validated plan. `imageUri` is what Runway fetches: the HTTPS URL, a data
 * URI or a runway:// upload URI. Only fields the model takes are sent; the prompt goes in the body and
 * nowhere else.
 */
export function buildRunwayBody(plan: RunwayPlan, params: GenerationParams, imageUri: string | null): RunwayBody {
  const prompt = (params.prompt ?? '').trim();
  const body: Record<string, unknown> = { model: plan.spec.model, ratio: plan.ratio };
  if (plan.duration !== undefined) body.duration = plan.duration;
  if (prompt !== '') body.promptText = prompt;
  if (params.seed !== undefined) body.seed = params.seed;
  if (plan.spec.canAudio) body.audio = params.audio;
  if (plan.spec.canNegativePrompt && params.negativePrompt?.trim()) body.negativePrompt = params.negativePrompt.trim();
  if (plan.spec.outputFormats.length > 0 && params.outputFormat !== undefined) body.outputFormat = params.outputFormat;

  if (plan.endpoint === 'image_to_video') {
    if (imageUri === null) throw new TypeError('image to video needs the image URI');
    body.promptImage = imageUri;
    return { endpoint: 'image_to_video', body: body as unknown as ImageToVideoCreateParams };
  }
  if (imageUri !== null) throw new TypeError('text to video cannot carry an image');
  return { endpoint: 'text_to_video', body: body as unknown as TextToVideoCreateParams };
}
