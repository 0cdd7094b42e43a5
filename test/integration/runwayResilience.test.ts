// Retries, backoff and the breaker as production runs them: jobs through the real queue and runner, the
// real SDK-backed Runway provider, and the fake Runway server injecting faults (C1, C2).
import { afterEach, expect, it } from 'vitest';
import { RunwayProvider } from '../../electron/core/providers/runway';
import { FakeRunway } from '../fakeRunway/fakeRunway';
import { testCore } from '../support/core';
import { describeWith, ffmpegNeed } from '../support/needs';
import { submitRequest } from '../support/parsed';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const fake = await FakeRunway.start({ fast: true });
  const provider = new RunwayProvider({ keySource: { getKey: async () => fake.key }, baseURL: fake.baseUrl, logger: { log: () => undefined }, clock: { now: () => Date.now() } });
  // A real clock: the plan's token bucket (60 a minute, burst 5) refills in real time.
  const t = testCore({ clock: { now: () => Date.now() }, config: { providerOverrides: [provider], pollIntervalMs: { runway: 10 } } });
  cleanups.push(async () => {
    await t.cleanup();
    await fake.stop();
  });
  await t.core.ledger.purchase({ id: 'buy', surface: 'api', credits: 5000 });
  await t.core.queue.start();
  return { core: t.core, fake };
}

type Core = Awaited<ReturnType<typeof setup>>['core'];

async function settle(core: Core, id: string) {
  for (let i = 0; i < 3000; i++) {
    const j = await core.queue.get(id);
    if (!['queued', 'running', 'paused'].includes(j.status)) {
      await core.takeChecks.idle();
      return j;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`did not settle: ${(await core.queue.get(id)).status}`);
}

const params = { provider: 'runway' as const, model: 'gen4.5', durationSec: 2, ratio: '1280:720', prompt: 'a lighthouse in rain' };

describeWith(ffmpegNeed, 'the runner under Runway faults (real path)', () => {
  it('polling rides out 429 with Retry-After, 502 and a reset: one task, the job succeeds, captured = billed', async () => {
    const { core, fake } = await setup();
    fake.inject({ route: 'get', fault: { kind: 'status', status: 429, retryAfter: '1' } });
    fake.inject({ route: 'get', fault: { kind: 'status', status: 502 } });
    fake.inject({ route: 'get', fault: { kind: 'reset' } });
    const t0 = Date.now();
    const r = await core.queue.submit(submitRequest({ params, projectName: 'Coast' }));
    const job = await settle(core, r.jobId);
    expect(job.status).toBe('succeeded');
    expect(fake.stats()).toMatchObject({ createPosts: 1, tasksCreated: 1 });
    expect(fake.requests.filter((q) => q.route === 'get').length).toBeGreaterThanOrEqual(4);
    // Retry-After: 1 was honoured as a floor on the wait.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(job.capturedCredits).toBe(fake.stats().billedCredits);
    expect((await core.ledger.audit()).ok).toBe(true);
  });

  it('our own bad requests (400) fail their jobs without opening the breaker; later work still runs', async () => {
    const { core, fake } = await setup();
    fake.inject({ route: 'create', times: 6, fault: { kind: 'status', status: 400, error: "Invalid parameter 'seed'" } });
    const failed = [];
    for (let i = 0; i < 6; i++) failed.push(await settle(core, (await core.queue.submit(submitRequest({ params: { ...params, seed: i + 1 }, projectName: 'Coast' }))).jobId));
    expect(failed.every((j) => j.status === 'failed' && j.capturedCredits === 0)).toBe(true);
    expect((await core.queue.status()).breakers.every((b) => b.state === 'closed')).toBe(true);
    const ok = await settle(core, (await core.queue.submit(submitRequest({ params: { ...params, seed: 99 }, projectName: 'Coast' }))).jobId);
    expect(ok.status).toBe('succeeded');
    expect(fake.stats().tasksCreated).toBe(1);
    expect((await core.ledger.audit()).ok).toBe(true);
  });
});
