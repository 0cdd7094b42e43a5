import { describe, expect, it } from 'vitest';
import { shippedConfig } from '../../../test/support/fakeTransport';
import { draftModels, estimateParams, fitToModel, generationParams, initialValues, optionsFor, parseSeed } from './draftModel';

const { rateCard } = shippedConfig();

describe('draft values against the rate card', () => {
  it('offers only usable, priced models and each model’s own durations and ratios', () => {
    const models = draftModels(rateCard);
    expect(models).toContain('gen4_turbo');
    for (const [name, m] of Object.entries(rateCard.models)) if (m.retired || m.unpriced) expect(models).not.toContain(name);
    expect(optionsFor(rateCard, 'veo3.1')).toMatchObject({ durations: [4, 6, 8], hasAudio: true });
    expect(optionsFor(rateCard, 'gen4_turbo')!.durations).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('moves values the new model refuses to accepted ones, keeping the ones it accepts', () => {
    const v = { ...initialValues(rateCard), durationSec: 10, ratio: '1584:672', audio: true };
    const veo = fitToModel({ ...v, model: 'veo3.1' }, rateCard);
    expect(veo.durationSec).toBe(4);
    expect(veo.ratio).toBe('1280:720');
    expect(veo.audio).toBe(true);
    const back = fitToModel({ ...veo, model: 'gen4_turbo', durationSec: 6 }, rateCard);
    expect(back).toMatchObject({ durationSec: 6, ratio: '1280:720', audio: false });
  });

  it('builds the params the estimate and the submit take; a bad seed names the field', () => {
    const v = { ...initialValues(rateCard), prompt: 'dusk', seed: '42', variations: 3 };
    expect(estimateParams(v)).toMatchObject({ provider: 'local', model: 'gen4_turbo', durationSec: 5, variations: 3 });
    expect(generationParams(v)).toMatchObject({ prompt: 'dusk', seed: 42 });
    expect(parseSeed('')).toEqual({ value: null });
    expect(parseSeed('-1')).toMatchObject({ error: expect.stringContaining('Seed') });
    expect(generationParams({ ...v, seed: '4.5' })).toMatchObject({ error: expect.stringContaining('Seed') });
  });

  it('refuses an empty or blank prompt, naming the field: it would be charged for nothing', () => {
    const v = initialValues(rateCard);
    for (const prompt of ['', '   ', '\n\t']) expect(generationParams({ ...v, prompt })).toEqual({ error: expect.stringMatching(/^Prompt: /) });
    expect(generationParams({ ...v, prompt: ' x ' })).toMatchObject({ prompt: ' x ' });
  });
});
