import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compare } from '../shared/money/compare';
import { estimate } from '../shared/money/estimate';
import { EstimateParams } from '../shared/money/params';
import { PlanConfig } from '../shared/money/planSchema';
import { RateCard } from '../shared/money/rateCardSchema';
import { measure, printRatio } from './support';

/**
 * The estimator runs on every keystroke of the draft form: estimates per second (goal ≥ 100,000/s).
 * Baselines in the same process: the bare arithmetic (rate × seconds × variations from a map lookup),
 * and zod-parsing the same params (what the form pays per keystroke anyway).
 */
const root = join(import.meta.dirname, '..', 'resources');
const plan = PlanConfig.parse(parse(readFileSync(join(root, 'plans', 'platform-reseller-example.yaml'), 'utf8')));
const card = RateCard.parse(parse(readFileSync(join(root, 'rates', 'runway-api.yaml'), 'utf8')));

const raw = [
  { model: 'gen4.5', durationSec: 5 },
  { model: 'gen4.5', durationSec: 10, variations: 4, outputFormat: 'prores', upscale: true },
  { model: 'veo3.1', durationSec: 8, audio: true, ratio: '1920:1080' },
  { model: 'gen4_image', ratio: '1920:1080', variations: 2 },
  { provider: 'local', model: 'gen4_turbo', durationSec: 7, artifactClass: 'release' },
] as const;
const inputs = raw.map((p) => EstimateParams.parse(p));
const N = 200_000;

export default async function bench(): Promise<void> {
  let sink = 0;
  const subject = await measure('estimate() (5 param shapes, platform fee plan)', 'estimates/s', () => {
    for (let i = 0; i < N; i++) sink += estimate(inputs[i % inputs.length]!, card, plan).credits;
    return N;
  });
  const bare = await measure('baseline: rate × seconds × variations lookup', 'estimates/s', () => {
    for (let i = 0; i < N; i++) {
      const p = inputs[i % inputs.length]!;
      const m = card.models[p.model]!;
      sink += Math.ceil((m.credits_per_second ?? m.credits_per_image ?? 5) * (p.durationSec ?? 1) * p.variations);
    }
    return N;
  });
  printRatio(subject, bare, 'estimate() ≥ 100,000/s');

  const withParse = await measure('parse + estimate() + compare() (a keystroke)', 'keystrokes/s', () => {
    const n = N / 4;
    for (let i = 0; i < n; i++) {
      const a = estimate(EstimateParams.parse(raw[i % raw.length]), card, plan);
      const b = estimate(EstimateParams.parse(raw[(i + 1) % raw.length]), card, plan);
      sink += compare(a, b, plan).factors.length;
    }
    return n;
  });
  const parseOnly = await measure('baseline: zod parse of the same params ×2', 'keystrokes/s', () => {
    const n = N / 4;
    for (let i = 0; i < n; i++) sink += EstimateParams.parse(raw[i % raw.length]).variations + EstimateParams.parse(raw[(i + 1) % raw.length]).variations;
    return n;
  });
  printRatio(withParse, parseOnly);
  if (sink === -1) console.log('(unreachable)');
}
