import { describe, expect, it } from 'vitest';
import { params, patched, shippedCard, shippedPlan } from '../../test/support/moneyConfigs';
import { compare } from './compare';
import { estimate } from './estimate';

const api = shippedPlan('runway-api');
const runway = shippedCard('runway-api');
const pixel = shippedCard('generic-pixel');
const pixelPlan = patched(api, { plan: { rate_card: 'generic-pixel' } });

describe('compare', () => {
  it('gives the multiplier and each factor that changed, and warns at the plan factor', () => {
    const a = estimate(params({ model: 'veo3.1', durationSec: 4, ratio: '1280:720' }), runway, api);
    const b = estimate(params({ model: 'veo3.1', durationSec: 8, ratio: '1920:1080', variations: 4 }), runway, api);
    const c = compare(a, b, api);
    expect(c.multiplier).toBe(8);
    expect(c.factors).toEqual([
      { name: 'resolution', from: '1280:720', to: '1920:1080', multiplier: 1 },
      { name: 'duration', from: 4, to: 8, multiplier: 2 },
      { name: 'variations', from: 1, to: 4, multiplier: 4 },
    ]);
    expect(c.warning).toBe('×8 — duration 4 → 8 ×2, variations 1 → 4 ×4');
  });

  it('shows the same change as ×18 on a pixel-priced card', () => {
    const a = estimate(params({ model: 'pixel-pro', durationSec: 5, ratio: '1280:720' }), pixel, pixelPlan);
    const b = estimate(params({ model: 'pixel-pro', durationSec: 10, ratio: '1920:1080', variations: 4 }), pixel, pixelPlan);
    const c = compare(a, b, pixelPlan);
    expect(c.multiplier).toBe(18);
    expect(c.warning).toBe('×18 — resolution 1280:720 → 1920:1080 ×2.25, duration 5 → 10 ×2, variations 1 → 4 ×4');
  });

  it('names a model switch by its rate, and stays quiet below the factor', () => {
    const a = estimate(params({ model: 'gen4_turbo', durationSec: 5 }), runway, api);
    const b = estimate(params({ model: 'gen4.5', durationSec: 5 }), runway, api);
    expect(compare(a, b, api)).toEqual({
      multiplier: 2.4,
      factors: [{ name: 'model', from: 'gen4_turbo', to: 'gen4.5', multiplier: 2.4 }],
      warning: '×2.4 — model gen4_turbo → gen4.5 ×2.4',
    });
    const strict = patched(api, { warnings: { multiplier_factor: 3 } });
    expect(compare(a, b, strict).warning).toBeNull();
    const cheaper = compare(b, a, api);
    expect(cheaper.multiplier).toBeCloseTo(0.4167, 4);
    expect(cheaper.warning).toBeNull();
  });

  it('lists factors present on one side only (audio, upscale) against their neutral value', () => {
    const a = estimate(params({ model: 'veo3.1', durationSec: 4 }), runway, api);
    const b = estimate(params({ model: 'veo3.1', durationSec: 4, audio: true, upscale: true }), runway, api);
    const c = compare(a, b, api);
    expect(c.factors.map((f) => [f.name, f.from, f.to])).toEqual([
      ['audio', false, true],
      ['upscale', false, true],
    ]);
    expect(c.multiplier).toBe((160 + 8) / 80);
  });

  it('reports a free job turning paid without a multiplier', () => {
    const unlimited = shippedPlan('runway-unlimited');
    const a = estimate(params({ model: 'gen4_turbo', durationSec: 5, explore: true }), runway, unlimited);
    const b = estimate(params({ model: 'gen4_turbo', durationSec: 5 }), runway, unlimited);
    const c = compare(a, b, unlimited);
    expect(c.multiplier).toBeNull();
    expect(c.warning).toMatch(/^from 0 to 25 credits/);
    expect(compare(a, a, unlimited)).toEqual({ multiplier: 1, factors: [], warning: null });
  });
});
