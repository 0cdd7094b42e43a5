import type { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { GenerationParams } from '../../../shared/jobParams';
import { EstimateParams } from '../../../shared/money/params';
import type { PromptVault } from '../security/promptVault';

/**
 * `jobs.params_json`: a job's settings in the clear — everything it was submitted with except the prompt
 * fields, which are sealed in `prompt_sealed` and never written in the clear. This file is the one place
 * that column is written and read: the encoder strips the prompt, the decoder parses with the schema the
 * settings came from, so a row that does not match is an error naming the job and the field, not a cast.
 */
export const StoredParams = EstimateParams.extend({
  seed: GenerationParams.shape.seed,
  promptImage: GenerationParams.shape.promptImage,
  sourceFile: GenerationParams.shape.sourceFile,
}).strict();

export type StoredParams = z.output<typeof StoredParams>;

export function encodeParams(p: GenerationParams): string {
  const { prompt: _prompt, negativePrompt: _negative, ...clear } = p;
  return JSON.stringify(clear);
}

/**
 * Settings decoded lately, by their stored text: a job's snapshot is built several times in its life (its
 * submit, its steps, every list), and jobs made with the same settings store the same text. The schema's
 * answer for a text never changes, so a hit skips the parse; each caller gets its own copy.
 */
const decoded = new Map<string, StoredParams>();
const DECODED_MAX = 512;

export function decodeParams(json: string, jobId: string): StoredParams {
  const hit = decoded.get(json);
  if (hit) return { ...hit };
  const data = parseParams(json, jobId);
  if (decoded.size >= DECODED_MAX) decoded.delete(decoded.keys().next().value!);
  decoded.set(json, data);
  return { ...data };
}

function parseParams(json: string, jobId: string): StoredParams {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new AppError('INTERNAL', `Job ${jobId}: its stored settings are not JSON (${(e as Error).message}).`, { jobId, field: 'params_json' }, { cause: e });
  }
  const r = StoredParams.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new AppError('INTERNAL', `Job ${jobId}: its stored settings do not match (${issue?.path.join('.') || 'params'}: ${issue?.message ?? 'invalid'}).`, { jobId, field: `params_json.${issue?.path.join('.') ?? ''}` });
  }
  return r.data;
}

/** The settings and the unsealed prompt: what the job asks the provider for. Throws when the prompt cannot be opened. */
export function openParams(row: { id: string; params_json: string; prompt_sealed: Buffer }, vault: Pick<PromptVault, 'open'>): GenerationParams {
  return { ...decodeParams(row.params_json, row.id), ...vault.open(row.prompt_sealed) };
}
