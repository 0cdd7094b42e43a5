import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import type { GenerationParamsInput } from '../../shared/jobParams';
import { makeClip, mediaBinaries } from '../support/clips';
import { describeWith } from '../support/needs';
import { ENGINES, needsOn, testCoreOn, type EngineName } from '../support/coreOn';
import { ScriptedProvider } from '../support/scriptedProvider';
import { tempDir } from '../support/tmp';
import { submitRequest } from '../support/parsed';

// What a submit costs and how often it is priced (issue 13 items 3 and 4): a cache hit is free whatever
// the wallet holds, and a real render is estimated and guarded exactly once, inside the transaction that
// reserves it. A real core on either engine (SQLite file, or a fresh PostgreSQL studio database); a
// scripted zero-latency provider returning a real clip.
const clipDir = tempDir('ct-submit-money-');
let clip = '';
beforeAll(() => {
  if (mediaBinaries) clip = makeClip(clipDir.dir, 'out.mp4', { width: 1280, height: 720, durationSec: 1, audio: 'none' });
});
afterAll(() => clipDir.cleanup());

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(engine: EngineName): Promise<{ core: Core; provider: ScriptedProvider }> {
  const provider = new ScriptedProvider('runway', clip, 60);
  const t = await testCoreOn(engine, { config: { providerOverrides: [provider], pollIntervalMs: { runway: 5 }, leaseMs: 2_000 } });
  cleanups.push(t.cleanup);
  await t.core.ledger.purchase({ id: 'buy-1', surface: 'api', credits: 1000 });
  await t.core.queue.start();
  return { core: t.core, provider };
}

const params = (p: Partial<GenerationParamsInput> = {}): GenerationParamsInput => ({
  provider: 'runway',
  model: 'gen4.5',
  durationSec: 5,
  ratio: '1280:720',
  prompt: 'a paper boat drifting past a lighthouse at dawn',
  seed: 42,
  ...p,
});

const apiAvailable = async (core: Core) => (await core.ledger.balances()).surfaces.find((s) => s.surface === 'api')!.available;

async function finished(core: Core, jobId: string) {
  for (let i = 0; i < 500; i++) {
    const j = await core.queue.get(jobId);
    if (['succeeded', 'partial', 'failed', 'cancelled', 'unknown'].includes(j.status)) {
      await core.queue.idle();
      await core.takeChecks.idle();
      return await core.queue.get(jobId);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${jobId} did not finish`);
}

/** Empties the API pools with a recorded adjustment (the books keep balancing). */
async function emptyWallet(core: Core): Promise<void> {
  for (const p of (await core.ledger.balances()).pools) {
    if (p.surface === 'api' && p.available > 0) await core.ledger.adjust({ id: `empty-${p.pool}`, pool: p.pool as never, credits: -p.available, reason: 'test: an empty wallet' });
  }
  expect(await apiAvailable(core)).toBe(0);
}

for (const engine of ENGINES) describeWith(needsOn(engine), `what a submit costs · ${engine}`, () => {
  it('answers a finished request from the cache with an empty wallet: free, nothing reserved, the books balance', async () => {
    const { core, provider } = await setup(engine);
    const first = await core.queue.submit(submitRequest({ params: params(), projectName: 'Spot' }));
    expect((await finished(core, first.jobId)).status).toBe('succeeded');
    await emptyWallet(core);
    const entries = (await core.ledger.history({ limit: 10_000 })).length;

    // Through the contract, as the window and the CLI call it.
    const again = await core.dispatch('jobs.submit', { params: params(), projectName: 'Spot' }, { role: 'owner', door: 'cli' });
    expect(again).toMatchObject({ ok: true, value: { cacheHit: true, creditsSaved: 60, credits: { reserved: 0, captured: 0 } } });
    const hit = (again as { value: { jobId: string } }).value.jobId;
    expect(await core.queue.get(hit)).toMatchObject({ status: 'succeeded', cacheOfJobId: first.jobId, capturedCredits: 0 });
    expect(await core.ledger.reservationsForJob(hit)).toEqual([]);
    expect(await core.ledger.history({ limit: 10_000 })).toHaveLength(entries);
    expect(await apiAvailable(core)).toBe(0);
    expect(provider.creates).toHaveLength(1);

    // A fresh render on the same empty wallet is still refused, naming the pool, with nothing written.
    const fresh = await core.dispatch('jobs.submit', { params: params({ seed: 7 }), projectName: 'Spot' }, { role: 'owner', door: 'cli' });
    expect(fresh).toMatchObject({ ok: false, error: { code: 'INSUFFICIENT_CREDITS', details: { pool: 'api:purchased' } } });
    expect(await core.ledger.history({ limit: 10_000 })).toHaveLength(entries);
    expect((await core.ledger.audit()).problems).toEqual([]);
  });

  it('prices and guards a real render once, inside the reserving transaction; a cache hit not at all', async () => {
    const { core } = await setup(engine);
    const seen: boolean[] = [];
    const real = core.ledger.guardState.bind(core.ledger);
    const spy = vi.spyOn(core.ledger, 'guardState').mockImplementation((projectId, q) => {
      // Inside a transaction: given one (not the engine itself), and on SQLite the connection is in it.
      seen.push(q !== undefined && q !== core.engine && (core.db?.conn.inTransaction ?? true));
      return real(projectId, q);
    });
    const r = await core.queue.submit(submitRequest({ params: params(), projectName: 'Spot' }));
    expect(r.credits.reserved).toBe(60);
    expect(seen).toEqual([true]);
    await finished(core, r.jobId);

    spy.mockClear();
    seen.length = 0;
    expect((await core.queue.submit(submitRequest({ params: params(), projectName: 'Spot' }))).cacheHit).toBe(true);
    expect(spy).not.toHaveBeenCalled();

    // A refused render is also evaluated once, and its refusal is the one the guard gave.
    await expect(core.queue.submit(submitRequest({ params: params({ model: 'veo3.1', durationSec: 8, audio: true, variations: 4 }), projectName: 'Spot' }))).rejects.toMatchObject({
      code: expect.stringMatching(/INSUFFICIENT_CREDITS|POLICY_REFUSED/),
    });
    expect(seen).toEqual([true]);
    expect((await core.ledger.audit()).problems).toEqual([]);
    expect(await apiAvailable(core)).toBe(1000 - 60);
  });
});
