import { describe, expect, it } from 'vitest';
import { estimate } from '../../../shared/money/estimate';
import { params, shippedCard, shippedPlan } from '../../../test/support/moneyConfigs';
import { calibrationFor, type AppliedCalibration } from './calibrationStore';

const applied: AppliedCalibration = {
  overall: { resolution: '*', samples: 12, cardCreditsPerSecond: 12, learnedCreditsPerSecond: 13.2, factor: 1.1 },
  groups: [
    { resolution: '1280:720', samples: 9, cardCreditsPerSecond: 12, learnedCreditsPerSecond: 12.6, factor: 1.05 },
    { resolution: '720:1280', samples: 3, cardCreditsPerSecond: 12, learnedCreditsPerSecond: 15.6, factor: 1.3 },
  ],
  minSamples: 5,
  since: '2026-11-20T09:00:00.000Z',
};

describe('calibrationFor', () => {
  it("uses the picture's own rate when it had enough samples, else every picture's", () => {
    expect(calibrationFor(applied, '1280:720')).toEqual({ multiplier: 1.05, label: 'learned (12.6/s learned vs 12/s card, n=9 at 1280:720, since 2026-11-20)' });
    expect(calibrationFor(applied, '720:1280')).toEqual({ multiplier: 1.1, label: 'learned (13.2/s learned vs 12/s card, n=12, since 2026-11-20)' });
    expect(calibrationFor(applied, null)!.multiplier).toBe(1.1);
    expect(calibrationFor({ ...applied, overall: { ...applied.overall, factor: null }, groups: [] }, null)).toBeNull();
  });
});

describe('the estimator with a calibration', () => {
  const card = shippedCard('runway-api');
  const plan = shippedPlan('runway-api');
  const lookup = (k: { provider: string; model: string; ratio: string | null }) => (k.provider === 'runway' && k.model === 'gen4.5' ? calibrationFor(applied, k.ratio) : null);

  it('multiplies the provider cost and shows the factor; the platform fee and other models are untouched', () => {
    const p = params({ provider: 'runway', model: 'gen4.5', durationSec: 10, ratio: '1280:720', variations: 2 });
    expect(estimate(p, card, plan).credits).toBe(240);
    const est = estimate(p, card, plan, lookup);
    expect(est.credits).toBe(252);
    expect(est.factors.at(-1)).toEqual({ name: 'calibration', from: 'rate card', to: 'learned (12.6/s learned vs 12/s card, n=9 at 1280:720, since 2026-11-20)', multiplier: 1.05 });
    const fee = shippedPlan('platform-reseller-example');
    expect(estimate(p, card, fee, lookup).pools).toEqual({ api: 252, platform: 52 });
    expect(estimate(params({ provider: 'runway', model: 'veo3.1', durationSec: 4 }), card, plan, lookup).factors.map((f) => f.name)).not.toContain('calibration');
  });

  it('leaves entered import credits alone', () => {
    const est = estimate(params({ provider: 'import', model: 'gen4.5', enteredCredits: 70 }), card, plan, () => ({ multiplier: 2, label: 'x' }));
    expect(est.credits).toBe(70);
  });
});
