import { describe, expect, it } from 'vitest';
import { GenerationParams } from '../../../shared/jobParams';
import { decodeParams, encodeParams, openParams } from './jobParamsColumn';

const params = GenerationParams.parse({ provider: 'runway', model: 'gen4_turbo', durationSec: 5, ratio: '1280:720', prompt: 'a lighthouse keeper at dusk', negativePrompt: 'no text', seed: 7 });

describe('jobs.params_json: one encoder, one decoder', () => {
  it('stores the settings without the prompt and reads them back as they were submitted', () => {
    const json = encodeParams(params);
    expect(json).not.toContain('lighthouse');
    expect(json).not.toContain('no text');
    const back = decodeParams(json, 'job_1');
    const { prompt: _p, negativePrompt: _n, ...clear } = params;
    expect(back).toEqual(clear);
  });

  it('joins the sealed prompt back in', () => {
    const vault = { open: () => ({ prompt: 'a lighthouse keeper at dusk', negativePrompt: 'no text' }) };
    expect(openParams({ id: 'job_1', params_json: encodeParams(params), prompt_sealed: Buffer.alloc(0) }, vault)).toEqual(params);
  });

  it('decodes the same stored text again to its own copy (a decoded text is kept), and still refuses a bad one', () => {
    const json = encodeParams({ ...params, seed: 11 });
    const a = decodeParams(json, 'job_5');
    (a as { seed?: number }).seed = 999; // a caller changing its copy changes nobody else's
    const b = decodeParams(json, 'job_6');
    expect(b).not.toBe(a);
    expect(b.seed).toBe(11);
    expect(() => decodeParams(json.replace('"durationSec":5', '"durationSec":"five"'), 'job_7')).toThrow(/Job job_7: its stored settings do not match/);
  });

  it('refuses a row that does not match, naming the job and the field', () => {
    expect(() => decodeParams(JSON.stringify({ ...JSON.parse(encodeParams(params)), durationSec: 'five' }), 'job_2')).toThrow(/Job job_2: its stored settings do not match \(durationSec:/);
    expect(() => decodeParams(JSON.stringify({ ...JSON.parse(encodeParams(params)), prompt: 'leaked' }), 'job_3')).toThrow(/Job job_3/);
    expect(() => decodeParams('{not json', 'job_4')).toThrow(/Job job_4: its stored settings are not JSON/);
  });
});
