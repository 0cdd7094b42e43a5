import { createHash } from 'node:crypto';
import { canonicalJson, normalizePrompt } from '../../../shared/canonical';
import type { GenerationParams } from '../../../shared/jobParams';
import type { Stage } from '../../../shared/money/ledgerTypes';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface JobKeys {
  /** Hash of the normalized prompt and settings: what logs and reports carry instead of the prompt. */
  paramsHash: string;
  /** Hash of the whole canonical request: same key = same paid work (a cache hit when finished). */
  idempotencyKey: string;
  /** e.g. `video/5s/1280:720/mp4/preview` */
  outputSpec: string;
}

/**
 * The canonical request: provider, model, normalized prompt and settings, seed, input asset hashes,
 * output spec and artifact class. `nonce` is set only when the user asks to roll again (no cache).
 */
export function jobKeys(params: GenerationParams, inputHashes: string[], nonce?: string, sourceTakeId?: string, keyedHash: (s: string) => string = sha256): JobKeys {
  const settings = {
    model: params.model,
    prompt: normalizePrompt(params.prompt),
    negativePrompt: normalizePrompt(params.negativePrompt),
    seed: params.seed,
    durationSec: params.durationSec,
    ratio: params.ratio,
    variations: params.variations,
    audio: params.audio,
    outputFormat: params.outputFormat,
    upscale: params.upscale,
  };
  const outputSpec = outputSpecOf(params);
  // Keyed (the install's HMAC) where it is shown: a bare sha256 of the prompt would let a producer confirm a guess.
  const paramsHash = keyedHash(canonicalJson(settings));
  const idempotencyKey = sha256(
    canonicalJson({ provider: params.provider, settings, inputs: inputHashes, outputSpec, artifactClass: params.artifactClass, nonce, sourceTakeId }),
  );
  return { paramsHash, idempotencyKey, outputSpec };
}

export function outputSpecOf(p: GenerationParams): string {
  const seconds = p.durationSec === undefined ? 'image' : `${p.durationSec}s`;
  return ['video', seconds, p.ratio ?? 'default', p.outputFormat ?? 'mp4', p.artifactClass].join('/');
}

/** The ledger stage a job's spend is reported under. */
export function stageOf(p: Pick<GenerationParams, 'artifactClass' | 'upscale'>): Stage {
  if (p.artifactClass === 'release') return 'export';
  return p.upscale ? 'upscale' : 'generate';
}
