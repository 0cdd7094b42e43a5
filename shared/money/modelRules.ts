import { AppError } from '../errors';
import type { Durations, ModelRate, RateCard } from './rateCardSchema';

/**
 * What a model accepts, read from the rate card, and the one-line refusals the estimator (and the CLI,
 * exit 2) gives: an unknown model lists the known ones, a refused duration or ratio lists the accepted
 * values, a retired model names its successor.
 */

/** Models a new estimate may use: listed, not retired. */
export function usableModels(card: RateCard): string[] {
  return Object.entries(card.models)
    .filter(([, m]) => !m.retired)
    .map(([name]) => name);
}

export function durationAccepted(d: Durations, sec: number): boolean {
  if (Array.isArray(d)) return d.includes(sec);
  if (sec < d.min || sec > d.max) return false;
  const steps = (sec - d.min) / d.step;
  return Math.abs(steps - Math.round(steps)) < 1e-9;
}

export function describeDurations(d: Durations): string {
  return Array.isArray(d) ? d.join(', ') : `${d.min}–${d.max} in steps of ${d.step}`;
}

/** Every accepted duration, smallest first (for "shorter clip" suggestions). */
export function listDurations(d: Durations): number[] {
  if (Array.isArray(d)) return [...d].sort((a, b) => a - b);
  const out: number[] = [];
  for (let s = d.min; s <= d.max + 1e-9 && out.length < 1000; s += d.step) out.push(Math.round(s * 1000) / 1000);
  return out;
}

export function defaultDuration(m: ModelRate): number {
  if (m.default_duration !== undefined) return m.default_duration;
  const d = m.durations!;
  return Array.isArray(d) ? d[0]! : d.min;
}

const invalid = (field: string, message: string, details: Record<string, unknown>) =>
  new AppError('VALIDATION', `${field}: ${message}`, { field, ...details });

/** The card's entry for a model, or a VALIDATION error naming the known models, the successor, or the missing rate. */
export function lookupModel(card: RateCard, model: string): ModelRate {
  const m = Object.prototype.hasOwnProperty.call(card.models, model) ? card.models[model] : undefined;
  const cardName = card.rate_card.name;
  if (!m) {
    const known = usableModels(card);
    throw invalid('model', `unknown model "${model}" on rate card ${cardName}. Known models: ${known.join(', ')}`, { model, known, rateCard: cardName });
  }
  if (m.retired) {
    const since = m.retired.since ? ` since ${m.retired.since}` : '';
    throw invalid('model', `model "${model}" is retired${since}; use its successor "${m.retired.successor}"`, {
      model,
      successor: m.retired.successor,
      rateCard: cardName,
    });
  }
  if (m.unpriced) {
    throw invalid(
      'model',
      `model "${model}" has no published rate on rate card ${cardName} (checked ${card.rate_card.checked_at}); add its rate to the card, or use one of: ${usableModels(card)
        .filter((n) => !card.models[n]!.unpriced)
        .join(', ')}`,
      { model, rateCard: cardName },
    );
  }
  return m;
}

export function checkDuration(model: string, m: ModelRate, sec: number): void {
  if (!m.durations) return;
  if (!durationAccepted(m.durations, sec)) {
    throw invalid('durationSec', `${sec} s is not accepted by ${model}: accepted ${describeDurations(m.durations)} s`, {
      value: sec,
      accepted: Array.isArray(m.durations) ? m.durations : m.durations,
    });
  }
}

export function checkRatio(model: string, m: ModelRate, ratio: string): void {
  if (!m.ratios.includes(ratio)) {
    throw invalid('ratio', `"${ratio}" is not accepted by ${model}: accepted ${m.ratios.join(', ')}`, { value: ratio, accepted: m.ratios });
  }
}

export function checkFormat(model: string, m: ModelRate, format: string): void {
  if (m.output_formats && !m.output_formats.includes(format)) {
    throw invalid('outputFormat', `"${format}" is not offered by ${model}: accepted ${m.output_formats.join(', ')}`, {
      value: format,
      accepted: m.output_formats,
    });
  }
}

export function checkAudio(card: RateCard, model: string, m: ModelRate): void {
  if (m.audio_credits_per_second === undefined) {
    const withAudio = Object.entries(card.models)
      .filter(([, r]) => !r.retired && r.audio_credits_per_second !== undefined)
      .map(([n]) => n);
    throw invalid('audio', `${model} has no audio option on rate card ${card.rate_card.name}; models with audio: ${withAudio.join(', ') || 'none'}`, {
      accepted: withAudio,
    });
  }
}
