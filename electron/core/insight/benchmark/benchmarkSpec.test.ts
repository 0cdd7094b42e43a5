import { describe, expect, it } from 'vitest';
import { patched, shippedCard, shippedPlan } from '../../../../test/support/moneyConfigs';
import { benchmarkSpec, type Accepts } from './benchmarkSpec';

const card = shippedCard('runway-api');
const api = shippedPlan('runway-api');
const all: Accepts = () => true;

describe('benchmarkSpec', () => {
  it('takes 5 s at the smallest picture and 10 s at the largest, with 1 and 2 variations', () => {
    expect(benchmarkSpec(card, api, all, 'gen4.5')).toEqual({
      model: 'gen4.5',
      small: { kind: 'small', durationSec: 5, ratio: '1104:832', variations: 1 },
      big: { kind: 'big', durationSec: 10, ratio: '1584:672', variations: 2 },
      notes: [],
    });
  });

  it('picks pictures the provider accepts, and says when the bigger jobs cannot be bigger in pixels', () => {
    const textToVideo: Accepts = (p) => p.ratio === '1280:720' || p.ratio === '720:1280';
    const spec = benchmarkSpec(card, api, textToVideo);
    expect([spec.model, spec.small.ratio, spec.big.ratio]).toEqual(['gen4.5', '1280:720', '720:1280']);
    expect(spec.notes).toEqual(['gen4.5 accepts no picture above 1280:720 here: the bigger jobs differ in length and variations only']);
  });

  it("fits the plan's preview caps, and says how", () => {
    const free = shippedPlan('runway-free');
    const spec = benchmarkSpec(card, patched(free, { outputs: { max_resolution: { preview: '720p' } } }), all, 'gen4.5');
    expect([spec.small.durationSec, spec.big.durationSec]).toEqual([5, 5]);
    // Short sides of 832 and 960 are above the 720p cap: 1280:720 is the smallest left, 1584:672 the largest.
    expect([spec.small.ratio, spec.big.ratio]).toEqual(['1280:720', '1584:672']);
    expect(spec.notes).toContain('bigger jobs run 5 s (the model or the plan has no 10 s)');
  });

  it('takes the nearest duration a model offers', () => {
    const spec = benchmarkSpec(card, api, all, 'veo3.1_fast');
    expect([spec.small.durationSec, spec.big.durationSec]).toEqual([4, 8]);
    expect(spec.notes.slice(0, 2)).toEqual(['small jobs run 4 s (the model or the plan has no 5 s)', 'bigger jobs run 8 s (the model or the plan has no 10 s)']);
  });

  it('refuses a model that is not a priced, current video model, and a card where nothing can run', () => {
    expect(() => benchmarkSpec(card, api, all, 'gen4_image')).toThrow(/model: gen4_image is not a priced, current video model on rate card runway-api; pick one of gen4\.5, /);
    expect(() => benchmarkSpec(card, api, () => false)).toThrow(/model: no model on rate card runway-api can run the benchmark under plan runway-api \(gen4\.5: the provider or the plan refuses every picture it lists; /);
  });
});
