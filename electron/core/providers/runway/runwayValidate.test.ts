import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { GenerationParams, type GenerationParamsInput } from '../../../../shared/jobParams';
import { buildRunwayBody } from './runwayBody';
import { planRunwayRequest } from './runwayValidate';

const params = (p: Partial<GenerationParamsInput>): GenerationParams => GenerationParams.parse({ provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', prompt: 'a lighthouse at dusk', ...p });

function refusal(p: Partial<GenerationParamsInput>): AppError {
  try {
    planRunwayRequest(params(p));
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(p)}`);
}

describe('Runway validation before any request', () => {
  it('an empty or blank prompt with no image never reaches the provider: the params schema refuses it, naming prompt', () => {
    for (const p of [{ prompt: '' }, { model: 'veo3.1', durationSec: 8, prompt: '  ' }]) {
      const r = GenerationParams.safeParse({ provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', ...p });
      expect(r.success).toBe(false);
      expect(r.error?.issues.map((i) => i.path.join('.'))).toContain('prompt');
    }
  });

  it.each([
    // [params, field, text the message must contain]
    [{ model: 'gen3a_turbo' }, 'model', 'gen3a_turbo was retired by Runway; use gen4_turbo'],
    [{ model: 'veo3' }, 'model', 'use veo3.1'],
    [{ model: 'gen4_aleph' }, 'model', 'aleph2'],
    [{ model: 'gen5_imaginary' }, 'model', 'accepted: gen4.5, gen4_turbo, veo3.1, veo3.1_fast'],
    [{ model: 'act_two' }, 'model', 'not a prompt-to-video model'],
    [{ ratio: '16:10' }, 'ratio', 'accepts 1280:720, 720:1280 (got 16:10); Runway takes pixel ratios, not aspect ratios'],
    [{ ratio: '960:960' }, 'ratio', '1104:832, 960:960, 832:1104, 1584:672 need a promptImage'],
    [{ ratio: undefined }, 'ratio', 'needs a pixel ratio'],
    [{ ratio: '1920:1080', promptImage: 'https://cdn.example.com/a.png' }, 'ratio', 'gen4.5 image to video accepts 1280:720, 720:1280, 1104:832'],
    [{ durationSec: 11 }, 'durationSec', '2 to 10 seconds (got 11)'],
    [{ durationSec: 1 }, 'durationSec', '2 to 10'],
    [{ durationSec: 5.5 }, 'durationSec', 'whole seconds'],
    [{ durationSec: undefined }, 'durationSec', 'gen4.5 text to video needs a duration'],
    [{ model: 'veo3.1', durationSec: 5 }, 'durationSec', 'accepts 4, 6, 8 seconds (got 5)'],
    [{ model: 'veo3.1_fast', durationSec: 10 }, 'durationSec', '4, 6, 8'],
    [{ model: 'veo3.1', ratio: '1104:832', durationSec: 8 }, 'ratio', '1280:720, 720:1280, 1080:1920, 1920:1080'],
    [{ model: 'gen4_turbo' }, 'promptImage', 'gen4_turbo makes video from an image only'],
    [{ audio: true }, 'audio', 'gen4.5 does not generate audio'],
    [{ negativePrompt: 'blurry' }, 'negativePrompt', 'does not take a negative prompt'],
    [{ outputFormat: 'mov' }, 'outputFormat', 'gen4.5 accepts mp4, prores'],
    [{ outputFormat: 'png_sequence' }, 'outputFormat', 'archive of frames'],
    [{ model: 'veo3.1', durationSec: 8, outputFormat: 'prores' }, 'outputFormat', 'veo3.1 accepts mp4'],
    [{ promptImage: 'http://cdn.example.com/a.png' }, 'promptImage', 'only HTTPS'],
    [{ promptImage: 'https://203.0.113.7/a.png' }, 'promptImage', 'not an IP address'],
    [{ upscale: true }, 'upscale', 'upscale_v1 was retired'],
  ] as const)('%j → %s', (p, field, text) => {
    const e = refusal(p as Partial<GenerationParamsInput>);
    expect(e.code).toBe('VALIDATION');
    expect(e.details?.field).toBe(field);
    expect(e.message).toContain(text);
    expect(e.message.startsWith(`Runway: ${field}:`)).toBe(true);
  });

  it('accepts each model on its endpoints and picks the endpoint from promptImage', () => {
    expect(planRunwayRequest(params({})).endpoint).toBe('text_to_video');
    expect(planRunwayRequest(params({ promptImage: 'https://cdn.example.com/a.png', ratio: '1584:672' })).endpoint).toBe('image_to_video');
    expect(planRunwayRequest(params({ promptImage: '/home/me/frame.png' })).image).toEqual({ kind: 'file', path: '/home/me/frame.png' });
    expect(planRunwayRequest(params({ model: 'gen4_turbo', promptImage: 'frame.jpg', durationSec: undefined, prompt: '' })).duration).toBeUndefined();
    for (const model of ['veo3.1', 'veo3.1_fast']) {
      for (const d of [4, 6, 8]) expect(planRunwayRequest(params({ model, durationSec: d, ratio: '1080:1920', audio: true, negativePrompt: 'text' })).duration).toBe(d);
    }
    expect(planRunwayRequest(params({ outputFormat: 'prores' })).spec.model).toBe('gen4.5');
  });
});

describe('Runway request body', () => {
  it('carries the promptImage on image to video and never on text to video', () => {
    const p = params({ promptImage: 'https://cdn.example.com/a.png', seed: 7 });
    const b = buildRunwayBody(planRunwayRequest(p), p, 'https://cdn.example.com/a.png');
    expect(b).toEqual({ endpoint: 'image_to_video', body: { model: 'gen4.5', ratio: '1280:720', duration: 5, promptText: 'a lighthouse at dusk', seed: 7, promptImage: 'https://cdn.example.com/a.png' } });
    expect(() => buildRunwayBody(planRunwayRequest(p), p, null)).toThrow(/needs the image/);
    const t = params({});
    expect(buildRunwayBody(planRunwayRequest(t), t, null).body).not.toHaveProperty('promptImage');
  });

  it('sends audio and negativePrompt to veo only, and omits an empty prompt', () => {
    const v = params({ model: 'veo3.1_fast', durationSec: 6, audio: false, negativePrompt: ' text overlays ', promptImage: 'x.png', prompt: '' });
    expect(buildRunwayBody(planRunwayRequest(v), v, 'data:image/png;base64,AAAA').body).toEqual({ model: 'veo3.1_fast', ratio: '1280:720', duration: 6, audio: false, negativePrompt: 'text overlays', promptImage: 'data:image/png;base64,AAAA' });
  });
});
