import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { params, patched, shippedCard, shippedPlan } from '../../test/support/moneyConfigs';
import { isAppError } from '../errors';
import { estimate, tryEstimate } from './estimate';
import type { Estimate } from './estimateTypes';
import { listDurations, usableModels } from './modelRules';

const api = shippedPlan('runway-api');
const free = shippedPlan('runway-free');
const unlimited = shippedPlan('runway-unlimited');
const reseller = shippedPlan('platform-reseller-example');
const runway = shippedCard('runway-api');
const pixel = shippedCard('generic-pixel');
const pixelPlan = patched(api, { plan: { rate_card: 'generic-pixel' } });

function refusal(fn: () => unknown): { message: string; details: Record<string, unknown> } {
  try {
    fn();
  } catch (e) {
    if (isAppError(e) && e.code === 'VALIDATION') return { message: e.message, details: e.details ?? {} };
    throw e;
  }
  throw new Error('expected a VALIDATION error');
}

const factor = (e: Estimate, name: string) => e.factors.find((f) => f.name === name);

describe('estimate: per-second video (Runway API card)', () => {
  it('prices rate × seconds × variations in API credits with USD at $0.01', () => {
    const e = estimate(params({ model: 'gen4.5', durationSec: 5 }), runway, api);
    expect(e).toMatchObject({ credits: 60, usd: 0.6, pools: { api: 60 }, surface: 'api', violations: [] });
    const e2 = estimate(params({ model: 'gen4_turbo', durationSec: 10, variations: 3 }), runway, api);
    expect(e2.credits).toBe(150);
    expect(factor(e2, 'variations')).toEqual({ name: 'variations', from: 1, to: 3, multiplier: 3 });
  });

  it('uses the audio rate when audio is on (veo3.1 40/s, veo3.1_fast 15/s)', () => {
    expect(estimate(params({ model: 'veo3.1', durationSec: 8 }), runway, api).credits).toBe(160);
    const loud = estimate(params({ model: 'veo3.1', durationSec: 8, audio: true }), runway, api);
    expect(loud.credits).toBe(320);
    expect(factor(loud, 'audio')?.multiplier).toBe(2);
    expect(estimate(params({ model: 'veo3.1_fast', durationSec: 4, audio: true }), runway, api).credits).toBe(60);
  });

  it('adds the gen4.5 output-format surcharges per second', () => {
    expect(estimate(params({ model: 'gen4.5', durationSec: 5, outputFormat: 'prores' }), runway, api).credits).toBe(85);
    expect(estimate(params({ model: 'gen4.5', durationSec: 5, outputFormat: 'png_sequence' }), runway, api).credits).toBe(85);
    expect(estimate(params({ model: 'gen4.5', durationSec: 5, outputFormat: 'hdr10' }), runway, api).credits).toBe(160);
  });

  it('adds the upscale pass per second of every variation', () => {
    const e = estimate(params({ model: 'gen4_turbo', durationSec: 5, variations: 2, upscale: true }), runway, api);
    expect(e.credits).toBe(50 + 2 * 5 * 2);
    expect(factor(e, 'upscale')?.multiplier).toBeCloseTo(70 / 50);
  });

  it('fills in the model default duration and first ratio', () => {
    const e = estimate(params({ model: 'veo3.1' }), runway, api);
    expect(factor(e, 'duration')?.to).toBe(4);
    expect(factor(e, 'resolution')?.to).toBe('1280:720');
  });
});

describe('estimate: images and pixel-priced providers', () => {
  it('prices gen4_image per image by resolution tier (5 at 720p, 8 at 1080p)', () => {
    expect(estimate(params({ model: 'gen4_image', ratio: '1280:720' }), runway, api).credits).toBe(5);
    const big = estimate(params({ model: 'gen4_image', ratio: '1920:1080', variations: 4 }), runway, api);
    expect(big.credits).toBe(32);
    expect(factor(big, 'resolution')).toMatchObject({ from: '720p', to: '1080p', multiplier: 1.6 });
    expect(estimate(params({ model: 'gen4_image_turbo', ratio: '1920:1080', variations: 3 }), runway, api).credits).toBe(6);
  });

  it('scales pixel-priced video by seconds × pixels: 5 s 720p ×1 → 10 s 1080p ×4 is ×18', () => {
    const a = estimate(params({ model: 'pixel-pro', durationSec: 5, ratio: '1280:720' }), pixel, pixelPlan);
    const b = estimate(params({ model: 'pixel-pro', durationSec: 10, ratio: '1920:1080', variations: 4 }), pixel, pixelPlan);
    expect(a.credits).toBe(50);
    expect(b.credits).toBe(900);
    expect(b.credits / a.credits).toBe(18);
    expect(factor(b, 'resolution')).toMatchObject({ from: '1280:720', to: '1920:1080', multiplier: 2.25 });
    expect(a.usd).toBeNull();
  });

  it('rounds fractional costs up to whole credits', () => {
    const e = estimate(params({ model: 'pixel-draft', durationSec: 1, ratio: '910:512' }), pixel, pixelPlan);
    expect(e.credits).toBe(Math.ceil((4 * 910 * 512) / (1280 * 720)));
    expect(Number.isInteger(e.credits)).toBe(true);
  });

  it('applies a multiplier pass (generic card: upscale +40 %)', () => {
    const e = estimate(params({ model: 'pixel-pro', durationSec: 5, upscale: true }), pixel, pixelPlan);
    expect(e.credits).toBe(70);
  });
});

describe('estimate: surfaces and pools', () => {
  it('charges the web plan surface on web plans, with no USD price per credit', () => {
    const e = estimate(params({ model: 'gen4_turbo', durationSec: 5 }), runway, free);
    expect(e).toMatchObject({ pools: { web: 25 }, surface: 'web', usd: null });
  });

  it('charges the local simulator at the card price on the local pool', () => {
    const e = estimate(params({ provider: 'local', model: 'gen4.5', durationSec: 5 }), runway, api);
    expect(e).toMatchObject({ credits: 60, pools: { local: 60 }, surface: 'local', usd: null });
  });

  it('adds a platform fee per generation on its own pool, on top of the provider', () => {
    const e = estimate(params({ model: 'gen4_turbo', durationSec: 5, variations: 2 }), runway, reseller);
    expect(e.pools).toEqual({ api: 50, platform: 52 });
    expect(e.credits).toBe(102);
    expect(e.usd).toBeNull();
    expect(factor(e, 'platform_fee')).toMatchObject({ from: 0, to: 52 });
  });

  it('charges an import the credits the user entered, on the plan surface, without plan caps', () => {
    const e = estimate(params({ provider: 'import', model: 'some-web-model', enteredCredits: 40, artifactClass: 'release' }), runway, free);
    expect(e).toMatchObject({ credits: 40, pools: { web: 40 }, violations: [] });
    expect(refusal(() => estimate(params({ provider: 'import', model: 'some-web-model' }), runway, free)).message).toMatch(/^enteredCredits: .*enter the credits/);
  });

  it('makes eligible Explore Mode jobs free on Unlimited, and flags it elsewhere', () => {
    expect(estimate(params({ model: 'gen4_turbo', durationSec: 5, explore: true }), runway, unlimited).credits).toBe(0);
    expect(estimate(params({ model: 'veo3.1', durationSec: 4, explore: true }), runway, unlimited).violations).toContainEqual({
      rule: 'explore_mode',
      limit: unlimited.explore_mode!.models,
      value: 'veo3.1',
    });
    expect(estimate(params({ model: 'gen4_turbo', explore: true }), runway, api).violations[0]).toMatchObject({ rule: 'explore_mode', limit: false });
  });
});

describe('estimate: plan-cap violations', () => {
  it('names the rule, the limit and the value for each cap the job breaks', () => {
    const e = estimate(params({ model: 'gen4.5', durationSec: 10, artifactClass: 'release', outputFormat: 'prores' }), runway, free);
    expect(e.violations).toEqual([
      { rule: 'outputs.release_allowed', limit: false, value: 'release' },
      { rule: 'outputs.allowed_formats.release', limit: ['mp4'], value: 'prores' },
      { rule: 'quotas.credits_per_day', limit: 50, value: 170 },
    ]);
    expect(estimate(params({ model: 'gen4_turbo', durationSec: 2, ratio: '960:960' }), runway, free).violations).toEqual([
      { rule: 'outputs.max_resolution.preview', limit: '720p', value: '960p' },
    ]);
    expect(estimate(params({ model: 'gen4_turbo', durationSec: 8 }), runway, free).violations).toEqual([
      { rule: 'outputs.max_duration_seconds.preview', limit: 5, value: 8 },
    ]);
    expect(estimate(params({ model: 'gen4_turbo', durationSec: 5 }), runway, free).violations).toEqual([]);
  });
});

describe('estimate: refusals name the field and the way out', () => {
  it('lists the known models for an unknown one', () => {
    const r = refusal(() => estimate(params({ model: 'gen5' }), runway, api));
    expect(r.message).toMatch(/^model: unknown model "gen5" on rate card runway-api\. Known models: gen4\.5, gen4_turbo/);
    expect(r.details.known).toEqual(usableModels(runway));
  });

  it('names the successor of a retired model', () => {
    expect(refusal(() => estimate(params({ model: 'veo3' }), runway, api)).message).toBe('model: model "veo3" is retired; use its successor "veo3.1"');
    expect(refusal(() => estimate(params({ model: 'gen4_aleph' }), runway, api)).details.successor).toBe('aleph2');
  });

  it('lists accepted durations and ratios', () => {
    expect(refusal(() => estimate(params({ model: 'veo3.1', durationSec: 5 }), runway, api)).message).toBe('durationSec: 5 s is not accepted by veo3.1: accepted 4, 6, 8 s');
    expect(refusal(() => estimate(params({ model: 'gen4.5', durationSec: 11 }), runway, api)).message).toBe('durationSec: 11 s is not accepted by gen4.5: accepted 2–10 in steps of 1 s');
    expect(refusal(() => estimate(params({ model: 'gen4.5', durationSec: 2.5 }), runway, api)).message).toMatch(/^durationSec: 2\.5 s/);
    const r = refusal(() => estimate(params({ model: 'gen4.5', ratio: '1920:1080' }), runway, api));
    expect(r.message).toMatch(/^ratio: "1920:1080" is not accepted by gen4\.5: accepted 1280:720, 720:1280/);
    expect(r.details.accepted).toEqual(runway.models['gen4.5']!.ratios);
  });

  it('refuses audio on a model without it, durations on stills, formats the model lacks, and unpriced models', () => {
    expect(refusal(() => estimate(params({ model: 'gen4.5', audio: true }), runway, api)).message).toMatch(/^audio: gen4\.5 has no audio option.*veo3\.1, veo3\.1_fast/);
    expect(refusal(() => estimate(params({ model: 'gen4_image', durationSec: 5 }), runway, api)).message).toMatch(/^durationSec: gen4_image makes still images/);
    expect(refusal(() => estimate(params({ model: 'gen4_turbo', outputFormat: 'prores' }), runway, api)).message).toMatch(/^outputFormat: "prores" is not offered by gen4_turbo: accepted mp4/);
    expect(refusal(() => estimate(params({ model: 'aleph2' }), runway, api)).message).toMatch(/^model: model "aleph2" has no published rate/);
  });

  it('tryEstimate returns the refusal as a result', () => {
    const r = tryEstimate(params({ model: 'gen5' }), runway, api);
    expect(r.ok).toBe(false);
    expect(r.ok ? null : r.error.code).toBe('VALIDATION');
  });
});

describe('estimate: properties', () => {
  const video = usableModels(runway).filter((m) => runway.models[m]!.kind === 'video' && !runway.models[m]!.unpriced);
  const arbParams = fc
    .record({ model: fc.constantFrom(...video), variations: fc.integer({ min: 1, max: 16 }), pick: fc.nat(), ratioPick: fc.nat(), upscale: fc.boolean(), provider: fc.constantFrom('runway' as const, 'local' as const) })
    .map(({ model, variations, pick, ratioPick, upscale, provider }) => {
      const m = runway.models[model]!;
      const ds = listDurations(m.durations!);
      return params({ provider, model, variations, upscale, durationSec: ds[pick % ds.length]!, ratio: m.ratios[ratioPick % m.ratios.length]! });
    });

  it('the product of the factor multipliers is the cost before rounding up, and pools sum to credits', () => {
    fc.assert(
      fc.property(arbParams, (p) => {
        const e = estimate(p, runway, reseller);
        const withoutFee = e.factors.filter((f) => f.name !== 'platform_fee').reduce((x, f) => x * f.multiplier, 1);
        const main = e.pools[e.surface]! - (e.surface === 'local' ? reseller.platform_fee!.credits * p.variations : 0);
        expect(main).toBe(Math.ceil(withoutFee - 1e-9));
        expect(Object.values(e.pools).reduce((a, b) => a + b!, 0)).toBe(e.credits);
      }),
      { numRuns: 300 },
    );
  });

  it('never costs less with more seconds or more variations', () => {
    fc.assert(
      fc.property(arbParams, (p) => {
        const base = estimate(p, runway, api).credits;
        expect(estimate({ ...p, variations: Math.min(16, p.variations + 1) }, runway, api).credits).toBeGreaterThanOrEqual(base);
        const ds = listDurations(runway.models[p.model]!.durations!);
        const longer = ds.find((d) => d > p.durationSec!);
        if (longer !== undefined) expect(estimate({ ...p, durationSec: longer }, runway, api).credits).toBeGreaterThan(base);
      }),
      { numRuns: 200 },
    );
  });
});
