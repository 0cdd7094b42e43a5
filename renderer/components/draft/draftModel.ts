import type { DraftValues } from '../../../shared/contract/drafts';
import { hasSomethingToRender, type GenerationParamsInput } from '../../../shared/jobParams';
import { defaultDuration, listDurations, usableModels } from '../../../shared/money/modelRules';
import type { EstimateParamsInput } from '../../../shared/money/params';
import type { RateCard } from '../../../shared/money/rateCardSchema';

/**
 * The draft form's values (the contract's DraftValues: core keeps them per project and shot) and what
 * the active rate card lets each model accept. Pure, so the form only ever offers values the model
 * takes, and a model change moves the others to accepted ones.
 */
export type { DraftValues };

export interface ModelOptions {
  kind: 'video' | 'image';
  durations: number[];
  ratios: string[];
  formats: string[] | null;
  hasAudio: boolean;
}

export const MAX_VARIATIONS = 16;

/** Models a new draft may use (listed, not retired, priced), in card order. */
export function draftModels(card: RateCard): string[] {
  return usableModels(card).filter((m) => !card.models[m]!.unpriced);
}

export function optionsFor(card: RateCard, model: string): ModelOptions | null {
  const m = card.models[model];
  if (!m) return null;
  return {
    kind: m.kind,
    durations: m.kind === 'video' && m.durations ? listDurations(m.durations) : [],
    ratios: m.ratios,
    formats: m.output_formats ?? null,
    hasAudio: m.audio_credits_per_second !== undefined,
  };
}

/** Moves every value to one the model accepts (keeping what it already accepts). */
export function fitToModel(v: DraftValues, card: RateCard): DraftValues {
  const m = card.models[v.model];
  const o = optionsFor(card, v.model);
  if (!m || !o) return v;
  const durationSec = o.kind === 'video' ? (v.durationSec !== null && o.durations.includes(v.durationSec) ? v.durationSec : defaultDuration(m)) : null;
  return {
    ...v,
    durationSec,
    ratio: o.ratios.includes(v.ratio) ? v.ratio : o.ratios[0]!,
    audio: o.hasAudio ? v.audio : false,
    outputFormat: o.formats ? (v.outputFormat && o.formats.includes(v.outputFormat) ? v.outputFormat : o.formats[0]!) : null,
    variations: Math.min(Math.max(1, Math.round(v.variations)), MAX_VARIATIONS),
  };
}

export function initialValues(card: RateCard): DraftValues {
  const models = draftModels(card);
  const model = models.includes('gen4_turbo') ? 'gen4_turbo' : (models[0] ?? '');
  return fitToModel(
    { provider: 'local', model, prompt: '', negativePrompt: '', seed: '', durationSec: null, ratio: '', variations: 1, audio: false, artifactClass: 'preview', outputFormat: null, sourceTakeId: null },
    card,
  );
}

/** The money params of these values (what the estimate prices). */
export function estimateParams(v: DraftValues): EstimateParamsInput {
  return {
    provider: v.provider,
    model: v.model,
    ...(v.durationSec !== null ? { durationSec: v.durationSec } : {}),
    ...(v.ratio ? { ratio: v.ratio } : {}),
    variations: v.variations,
    audio: v.audio,
    artifactClass: v.artifactClass,
    ...(v.outputFormat ? { outputFormat: v.outputFormat } : {}),
  };
}

/** Seed as typed → a whole number, null when empty, or an error naming the field. */
export function parseSeed(seed: string): { value: number | null } | { error: string } {
  const t = seed.trim();
  if (t === '') return { value: null };
  if (!/^\d+$/.test(t) || Number(t) > 4294967295) return { error: 'Seed: enter a whole number from 0 to 4294967295, or leave it empty for a random one.' };
  return { value: Number(t) };
}

/** The full generation params (the money params plus prompt, negative prompt and seed). */
export function generationParams(v: DraftValues): GenerationParamsInput | { error: string } {
  const seed = parseSeed(v.seed);
  if ('error' in seed) return seed;
  if (!hasSomethingToRender(v)) return { error: 'Prompt: describe the shot. An empty prompt would be charged for nothing.' };
  return {
    ...estimateParams(v),
    prompt: v.prompt,
    ...(v.negativePrompt.trim() ? { negativePrompt: v.negativePrompt } : {}),
    ...(seed.value !== null ? { seed: seed.value } : {}),
  };
}
