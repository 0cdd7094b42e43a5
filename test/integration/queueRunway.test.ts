import { afterEach, describe, expect, it } from 'vitest';
import { RunwayProvider } from '../../electron/core/providers/runway';
import {} from '../support/clips';
import { testCore } from '../support/core';
import { FakeRunway } from '../fakeRunway/fakeRunway';
import { describeWith, ffmpegNeed } from '../support/needs';
import { submitRequest } from '../support/parsed';

// The queue with the real SDK-backed Runway provider against the fake Runway server.
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(fakeOpts: Parameters<typeof FakeRunway.start>[0] = {}) {
  const fake = await FakeRunway.start({ fast: true, ...fakeOpts });
  const provider = new RunwayProvider({ keySource: { getKey: async () => fake.key }, baseURL: fake.baseUrl, logger: { log: () => undefined }, clock: { now: () => Date.now() } });
  const t = testCore({ config: { providerOverrides: [provider], pollIntervalMs: { runway: 10 } } });
  cleanups.push(async () => {
    await t.cleanup();
    await fake.stop();
  });
  await t.core.ledger.purchase({ id: 'buy', surface: 'api', credits: 5000 });
  await t.core.queue.start();
  return { core: t.core, fake };
}

async function settle(core: Awaited<ReturnType<typeof setup>>['core'], id: string) {
  for (let i = 0; i < 1000; i++) {
    const j = await core.queue.get(id);
    if (!['queued', 'running', 'paused'].includes(j.status)) {
      await core.takeChecks.idle();
      return j;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('did not settle');
}

describeWith(ffmpegNeed, 'queue × Runway (fake server, real SDK)', () => {
  it('creates one task per variation, waits through THROTTLED, stores the outputs and captures what Runway billed', async () => {
    const { core, fake } = await setup({ tier: { 'gen4.5': { maxConcurrentGenerations: 1, maxDailyGenerations: 100 } } });
    const r = await core.queue.submit(submitRequest({ params: { provider: 'runway', model: 'gen4.5', durationSec: 2, ratio: '1280:720', prompt: 'fog rolls over a harbour', variations: 2 }, projectName: 'Harbour' }));
    const job = await settle(core, r.jobId);
    expect(job.status).toBe('succeeded');
    expect(fake.stats().tasksCreated).toBe(2);
    expect(fake.stats().createPosts).toBe(2);
    expect(job.capturedCredits).toBe(fake.stats().billedCredits);
    const takes = await core.takes.byJob(job.id);
    expect(takes).toHaveLength(2);
    expect(await Promise.all(takes.map((t) => core.takePath(t.id)))).not.toContain(null);
    // Runway previews carry no Circle Take badge and none is registered for runway: that check passes.
    // (The fake serves 1/10-size clips to stay fast, so the resolution check rightly flags them.)
    for (const t of takes) {
      const checks = (await core.takes.get(t.id)).checks!;
      expect(checks.find((c) => c.name === 'watermark')).toMatchObject({ ok: true });
      expect(checks.find((c) => c.name === 'decode')).toMatchObject({ ok: true });
      expect(checks.find((c) => c.name === 'resolution')).toMatchObject({ ok: false, value: '128x72' });
    }
    // The provider's own balance moved by what it billed: recorded per attempt.
    const attempts = core.db.conn.prepare("SELECT credits_before, credits_after FROM attempts WHERE job_id = ? AND status = 'ok'").all(job.id) as { credits_before: number; credits_after: number }[];
    expect(attempts).toHaveLength(2);
    expect(attempts.every((a) => a.credits_before !== null && a.credits_after !== null)).toBe(true);
  });

  it('settles a refunded task at 0 and a failed one into the dead letters, never creating twice', async () => {
    const { core, fake } = await setup();
    fake.planOutcomes({ status: 'FAILED', failureCode: 'SAFETY.INPUT.TEXT', failure: 'blocked', cost: 0 });
    const r = await core.queue.submit(submitRequest({ params: { provider: 'runway', model: 'gen4.5', durationSec: 2, ratio: '1280:720', prompt: 'something the moderation refuses' }, projectName: 'Harbour' }));
    const job = await settle(core, r.jobId);
    expect(job.status).toBe('failed');
    expect(job.capturedCredits).toBe(0);
    expect(fake.stats().tasksCreated).toBe(1);
    expect((await core.queue.deadLetters()).map((j) => j.id)).toEqual([job.id]);
  });
});

describe('queue × Runway tier limits', () => {
  it('never runs more at once than the organization tier allows', async () => {
    const { FAKE_MODELS } = await import('../fakeRunway/fakeModels');
    const { core, fake } = await setup();
    expect(core.gate.concurrency('runway')).toBe(2); // the plan's start
    for (const model of Object.keys(FAKE_MODELS)) fake.setTier(model, { maxConcurrentGenerations: 1 });
    await core.queue.refreshProviderLimits();
    expect(core.gate.concurrency('runway')).toBe(1);
  });
});
