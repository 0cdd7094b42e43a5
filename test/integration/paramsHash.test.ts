import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenerationParams } from '../../shared/jobParams';
import { jobKeys } from '../../electron/core/queue/jobKeys';
import type { Core } from '../../electron/core/createCore';
import { dbNeedsOn, ENGINES, suiteCoreOn, type CoreOn } from '../support/coreOn';
import { describeWith } from '../support/needs';
import { submitRequest } from '../support/parsed';

// Issue 14 item 5: params_hash is keyed with a per-install secret (HMAC), so a producer who can list
// jobs cannot confirm a guessed prompt by hashing it; equal requests still share a hash and a job.

const params = { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a secret pitch: the lighthouse keeper is the thief' } as const;

// On both engines: two installs (two data dirs, and on PostgreSQL two studio databases), each with its key.
for (const engine of ENGINES) describeWith(dbNeedsOn(engine), `params_hash · ${engine}`, () => {
  let a: CoreOn;
  let b: CoreOn;
  beforeAll(async () => {
    a = await suiteCoreOn(engine);
    b = await suiteCoreOn(engine);
  });
  afterAll(async () => {
    await a.cleanup();
    await b.cleanup();
  });

  describe('params_hash', () => {
    it('is an HMAC under the install key: not the bare sha256 a guess would give, different per install, equal within one', async () => {
      const first = await a.core.queue.submit(submitRequest({ params, projectName: 'Pitch' }));
      const again = await a.core.queue.submit(submitRequest({ params: { ...params, prompt: `  ${params.prompt}  ` }, projectName: 'Pitch' }));
      const elsewhere = await b.core.queue.submit(submitRequest({ params, projectName: 'Pitch' }));
      const hashOf = async (core: Core, id: string) => (await core.queue.get(id)).paramsHash;
      const guess = jobKeys(GenerationParams.parse(params), []).paramsHash;
      expect(await hashOf(a.core, first.jobId)).toMatch(/^[0-9a-f]{64}$/);
      expect(await hashOf(a.core, first.jobId)).not.toBe(guess);
      expect(again.jobId).toBe(first.jobId); // the same request still finds its job (the cache key is unchanged)
      expect(await hashOf(b.core, elsewhere.jobId)).not.toBe(await hashOf(a.core, first.jobId)); // (compared with a Promise before: could not fail)
      const producer = await a.core.dispatch('jobs.list', {}, { role: 'producer', door: 'host', author: 'P' });
      expect(JSON.stringify(producer)).not.toContain(guess);
    });
  });
});
