import { validationError, type AppError } from '../../../../shared/errors';
import type { GenerationParams } from '../../../../shared/jobParams';
import {
  OTHER_RUNWAY_MODELS,
  RETIRED_RUNWAY_MODELS,
  RUNWAY_MODELS,
  SEQUENCE_FORMATS,
  SUPPORTED_RUNWAY_MODELS,
  type DurationRule,
  type EndpointSpec,
  type RunwayEndpoint,
  type RunwayModelSpec,
} from './runwayModels';

export type PromptImageSource = { kind: 'url'; url: string } | { kind: 'file'; path: string };

export interface RunwayPlan {
  spec: RunwayModelSpec;
  endpoint: RunwayEndpoint;
  endpointSpec: EndpointSpec;
  /** Whole seconds, or undefined to let Runway use the model's default. */
  duration: number | undefined;
  ratio: string;
  image: PromptImageSource | null;
}

const fail = (field: string, message: string): AppError => validationError([{ path: [field], message }], 'Runway');
const list = (xs: readonly (string | number)[]): string => xs.join(', ');
const endpointName = (e: RunwayEndpoint): string => (e === 'image_to_video' ? 'image to video' : 'text to video');

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** An HTTPS URL on a domain name (Runway fetches no IPs, no http), or a local file path. */
export function promptImageSource(value: string): PromptImageSource {
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'file', path: value };
  if (scheme === 'file') {
    try {
      return { kind: 'file', path: decodeURIComponent(new URL(value).pathname) };
    } catch {
      throw fail('promptImage', 'is not a valid file:// URL; give a local file path or an https:// URL');
    }
  }
  if (scheme !== 'https') throw fail('promptImage', `Runway fetches only HTTPS URLs (got ${scheme}://); use an https:// URL or a local file, which Circle Take uploads`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fail('promptImage', 'is not a valid URL; give an https:// URL or a local file path');
  }
  const host = url.hostname;
  if (IPV4.test(host) || host.startsWith('[')) throw fail('promptImage', `Runway fetches images only from a domain name, not an IP address (${host}); use a local file instead`);
  if (value.length > 2048) throw fail('promptImage', 'URL is longer than 2048 characters; use a shorter URL or a local file');
  return { kind: 'url', url: value };
}

function checkDuration(rule: DurationRule, durationSec: number | undefined, where: string): number | undefined {
  const accepted = rule.kind === 'set' ? list(rule.values) : `${rule.min} to ${rule.max}`;
  if (durationSec === undefined) {
    if (rule.required) throw fail('durationSec', `${where} needs a duration; accepted: ${accepted} seconds`);
    return undefined;
  }
  if (!Number.isInteger(durationSec)) throw fail('durationSec', `${where} takes whole seconds (got ${durationSec}); accepted: ${accepted}`);
  const isOk = rule.kind === 'set' ? rule.values.includes(durationSec) : durationSec >= rule.min && durationSec <= rule.max;
  if (!isOk) throw fail('durationSec', `${where} accepts ${accepted} seconds (got ${durationSec})`);
  return durationSec;
}

/**
 * Checks params against what Runway accepts for the model, before any request, and picks the
 * endpoint: image to video when there is a promptImage (never dropped), else text to video.
 * Throws AppError('VALIDATION') naming the field, the accepted values and the way out.
 */
export function planRunwayRequest(params: GenerationParams): RunwayPlan {
  const model = params.model;
  const retired = RETIRED_RUNWAY_MODELS[model];
  if (retired) throw fail('model', `${model} was retired by Runway; use ${retired}`);
  const spec = RUNWAY_MODELS[model];
  if (!spec) {
    const why = OTHER_RUNWAY_MODELS.includes(model) ? `${model} is not a prompt-to-video model Circle Take can run` : `unknown Runway model "${model}"`;
    throw fail('model', `${why}; accepted: ${list(SUPPORTED_RUNWAY_MODELS)}`);
  }

  const image = params.promptImage === undefined ? null : promptImageSource(params.promptImage);
  const endpoint: RunwayEndpoint = image ? 'image_to_video' : 'text_to_video';
  const endpointSpec = spec.endpoints[endpoint];
  if (!endpointSpec) {
    const textModels = SUPPORTED_RUNWAY_MODELS.filter((m) => RUNWAY_MODELS[m]?.endpoints.text_to_video);
    throw fail('promptImage', `${model} makes video from an image only; add a promptImage, or choose ${list(textModels)} for text to video`);
  }
  const where = `${model} ${endpointName(endpoint)}`;

  if (params.ratio === undefined) throw fail('ratio', `${where} needs a pixel ratio; accepted: ${list(endpointSpec.ratios)}`);
  if (!endpointSpec.ratios.includes(params.ratio)) {
    const imageOnly = image ? [] : (spec.endpoints.image_to_video?.ratios ?? []).filter((r) => !endpointSpec.ratios.includes(r));
    const isAspect = params.ratio.split(':').every((n) => Number(n) < 100);
    const hint = isAspect ? '; Runway takes pixel ratios, not aspect ratios' : imageOnly.length > 0 ? `; ${list(imageOnly)} need a promptImage` : '';
    throw fail('ratio', `${where} accepts ${list(endpointSpec.ratios)} (got ${params.ratio})${hint}`);
  }

  const duration = checkDuration(endpointSpec.duration, params.durationSec, where);

  const prompt = params.prompt ?? '';
  if (endpointSpec.isPromptRequired && prompt.trim().length === 0) throw fail('prompt', `${where} needs prompt text (1 to 1000 characters)`);
  if (prompt.length > 1000) throw fail('prompt', `Runway takes at most 1000 characters (got ${prompt.length})`);

  if (params.audio && !spec.canAudio) throw fail('audio', `${model} does not generate audio; accepted: false (veo3.1 and veo3.1_fast can)`);
  if (params.negativePrompt !== undefined && params.negativePrompt.trim() !== '' && !spec.canNegativePrompt) {
    throw fail('negativePrompt', `${model} does not take a negative prompt; remove it, or choose veo3.1 or veo3.1_fast`);
  }

  const fmt = params.outputFormat;
  if (fmt !== undefined && fmt !== 'mp4') {
    if (SEQUENCE_FORMATS.includes(fmt)) throw fail('outputFormat', `${fmt} comes back as an archive of frames, which Circle Take cannot store as a take; accepted: ${list(['mp4', ...spec.outputFormats.filter((f) => f !== 'mp4')])}`);
    if (!spec.outputFormats.includes(fmt)) {
      const accepted = spec.outputFormats.length > 0 ? list(spec.outputFormats) : 'mp4';
      throw fail('outputFormat', `${model} accepts ${accepted} (got ${fmt})`);
    }
  }

  if (params.upscale) throw fail('upscale', 'Runway generation does not upscale (upscale_v1 was retired); render at the target ratio instead, or turn upscale off');

  return { spec, endpoint, endpointSpec, duration, ratio: params.ratio, image };
}
