import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import { makeClip, mediaBinaries } from '../support/clips';
import { FakeClock, testCore } from '../support/core';
import { ScriptedProvider } from '../support/scriptedProvider';
import { tempDir } from '../support/tmp';
import { describeWith, ffmpegNeed } from '../support/needs';
import { submitRequest } from '../support/parsed';

// Fenced leases (docs/reliability.md Q2) and fast startup recovery (Q3), on a fake clock: a worker whose
// lease expired and whose job was claimed again writes nothing; `running` rows an earlier boot left
// are recovered at once on start, each counting as an attempt, and an exhausted one is dead-lettered
// with its reservation released.

const clipDir = tempDir('ct-leases-');
let clip = '';
beforeAll(() => {
  if (mediaBinaries) clip = makeClip(clipDir.dir, 'out.mp4', { width: 640, height: 360, durationSec: 1, audio: 'none' });
});
afterAll(() => clipDir.cleanup());
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const LEASE = 60_000;
async function setup(o: { dataDir?: string; clock?: FakeClock; provider?: ScriptedProvider; start?: boolean } = {}) {
  const clock = o.clock ?? new FakeClock();
  const provider = o.provider ?? new ScriptedProvider('runway', clip, 25);
  const logs: string[] = [];
  const t = testCore({
    clock,
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
    logger: { log: (level, msg, fields) => logs.push(JSON.stringify({ level, msg, ...fields })) },
    config: { providerOverrides: [provider], pollIntervalMs: { runway: 5 }, leaseMs: LEASE },
  });
  let isDisposed = false;
  const cleanup = async () => {
    if (isDisposed) return;
    isDisposed = true;
    await t.cleanup();
  };
  cleanups.unshift(cleanup);
  if (o.start !== false) await t.core.queue.start();
  return { core: t.core, clock, provider, logs, dataDir: t.dataDir, cleanup };
}

const submit = (core: Core, name = 'Leases') =>
  core.queue.submit(submitRequest({ params: { provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', prompt: 'a lantern in the rain', seed: 7 }, projectName: name }));

const row = async (core: Core, id: string) => (await core.queue.repo.get(id))!;
const reservations = async (core: Core, jobId: string) =>
  ((await core.dispatch('credits.reservations', { jobId }, { role: 'owner', door: 'cli' })) as { value: { state: string; captured: number | null }[] }).value;

async function until(cond: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describeWith(ffmpegNeed, 'fenced leases (Q2)', () => {

  it('every write of a stale lease holder changes 0 rows once the job was claimed again', async () => {
    const { core, clock } = await setup({ start: false });
    await core.ledger.purchase({ id: 'buy-q2a', surface: 'api', credits: 1000 });
    const { jobId } = await submit(core);
    const s = core.queue.repo.s;
    const t0 = clock.now();
    expect((await s.claim.run({ id: jobId, now: t0, leaseUntil: t0 + LEASE })).changes).toBe(1);
    const a = (await row(core, jobId)).lease_token;
    clock.advance(LEASE + 1);
    expect((await s.expiredLeases.all({ now: clock.now() })).map((r) => r.id)).toEqual([jobId]);
    // B recovers the expired lease and claims the job.
    expect((await s.requeueExpired.run({ id: jobId, now: clock.now() })).changes).toBe(1);
    expect((await s.claim.run({ id: jobId, now: clock.now(), leaseUntil: clock.now() + LEASE })).changes).toBe(1);
    const b = (await row(core, jobId)).lease_token;
    expect(b).toBeGreaterThan(a);
    // A wakes up and tries every fenced write with its old token: nothing changes.
    const now = clock.now();
    expect((await s.renew.run({ id: jobId, token: a, leaseUntil: now + LEASE })).changes).toBe(0);
    expect((await s.taskIntent.run({ id: jobId, n: 0, token: a, now })).changes).toBe(0);
    expect((await s.taskSubmitted.run({ id: jobId, n: 0, token: a, taskId: 'stale', est: 1, now })).changes).toBe(0);
    expect((await s.requeue.run({ id: jobId, token: a, at: now, now, code: null, message: null })).changes).toBe(0);
    expect((await s.finish.run({ id: jobId, token: a, status: 'succeeded', captured: 25, after: 0, code: null, message: null, now })).changes).toBe(0);
    expect(await row(core, jobId)).toMatchObject({ status: 'running', lease_token: b, captured_credits: null });
    // B's own writes go through.
    expect((await s.finish.run({ id: jobId, token: b, status: 'failed', captured: 0, after: null, code: 'X', message: null, now })).changes).toBe(1);
  });

  it('a worker running past its lease stops at its next step and writes nothing once the job is claimed again', async () => {
    const provider = new ScriptedProvider('runway', clip, 25);
    provider.fallback = { kind: 'ok', statuses: [...Array<'RUNNING'>(40).fill('RUNNING'), 'SUCCEEDED'] };
    const { core, clock, logs } = await setup({ provider });
    await core.ledger.purchase({ id: 'buy-q2b', surface: 'api', credits: 1000 });
    const { jobId } = await submit(core);
    await until(async () => (await core.queue.repo.tasks(jobId))[0]?.status === 'submitted', 'the create');
    const available = (await core.ledger.balances()).surfaces.find((x) => x.surface === 'api')!.available;
    // Worker A stalls (a long GC, a sleeping laptop) past its lease; another worker reclaims the job.
    clock.advance(LEASE * 2);
    await core.engine.tx(async (q) => {
      await core.queue.repo.on(q).requeueExpired.run({ id: jobId, now: clock.now() });
      await core.queue.repo.on(q).claim.run({ id: jobId, now: clock.now(), leaseUntil: clock.now() + LEASE });
    });
    const reclaimed = (await row(core, jobId));
    await core.queue.idle();
    expect(logs.some((l) => l.includes('lease lost'))).toBe(true);
    expect(await row(core, jobId)).toEqual(reclaimed); // A changed nothing after the reclaim
    expect((await core.queue.repo.tasks(jobId))[0]).toMatchObject({ status: 'submitted' });
    expect(await reservations(core, jobId)).toEqual([expect.objectContaining({ state: 'pending', captured: null })]);
    expect((await core.ledger.balances()).surfaces.find((x) => x.surface === 'api')!.available).toBe(available);
    expect(provider.creates).toHaveLength(1);
    expect((await core.ledger.audit()).ok).toBe(true);
  });
});

describeWith(ffmpegNeed, 'startup recovery (Q3)', () => {
  it('takes back a job an earlier boot left running at once, counting the attempt, and finishes it', async () => {
    const clock = new FakeClock();
    const dir = tempDir('ct-q3-');
    cleanups.push(async () => dir.cleanup());
    const first = await setup({ clock, dataDir: dir.dir, start: false });
    await first.core.ledger.purchase({ id: 'buy-q3a', surface: 'api', credits: 1000 });
    const { jobId } = await submit(first.core);
    await first.core.queue.repo.s.claim.run({ id: jobId, now: clock.now(), leaseUntil: clock.now() + LEASE }); // the crashed boot's claim
    await first.cleanup(); // that boot is gone (its data dir stays)

    // The lease is far from expired on the clock, yet the next boot (holding the single-instance lock) recovers it now.
    const second = await setup({ clock, dataDir: first.dataDir, provider: first.provider });
    await until(async () => ((await row(second.core, jobId))).status === 'succeeded', 'the recovered job to finish');
    await second.core.queue.idle();
    expect(await row(second.core, jobId)).toMatchObject({ status: 'succeeded', attempts: 2, captured_credits: 25 });
    expect(second.logs.some((l) => l.includes('recovered a job that was running when the app stopped'))).toBe(true);
    expect(await reservations(second.core, jobId)).toEqual([expect.objectContaining({ state: 'captured', captured: 25 })]);
    expect(first.provider.creates).toHaveLength(1);
  });

  it('dead-letters a recovered job with no attempts left and releases its reservation, creating nothing', async () => {
    const clock = new FakeClock();
    const dir = tempDir('ct-q3-');
    cleanups.push(async () => dir.cleanup());
    const first = await setup({ clock, dataDir: dir.dir, start: false });
    await first.core.ledger.purchase({ id: 'buy-q3b', surface: 'api', credits: 1000 });
    const { jobId } = await submit(first.core, 'Exhausted');
    const max = (await row(first.core, jobId)).max_attempts;
    const s = first.core.queue.repo.s;
    // Every allowed attempt was claimed and lost to a crash; the last boot died holding the job.
    for (let i = 0; i < max; i++) {
      await s.claim.run({ id: jobId, now: clock.now(), leaseUntil: clock.now() + LEASE });
      if (i < max - 1) await s.requeueExpired.run({ id: jobId, now: clock.now() });
    }
    expect(await row(first.core, jobId)).toMatchObject({ status: 'running', attempts: max });
    const before = (await first.core.ledger.balances()).surfaces.find((x) => x.surface === 'api')!.available;
    await first.cleanup();

    const second = await setup({ clock, dataDir: first.dataDir, provider: first.provider });
    await until(async () => ((await row(second.core, jobId))).status === 'failed', 'the dead letter');
    await second.core.queue.idle();
    expect(await second.core.queue.get(jobId)).toMatchObject({ status: 'failed', errorCode: 'RETRIES_EXHAUSTED', capturedCredits: 0 });
    expect((await second.core.queue.deadLetters()).map((j) => j.id)).toContain(jobId);
    expect(await reservations(second.core, jobId)).toEqual([expect.objectContaining({ state: 'voided' })]);
    expect((await second.core.ledger.balances()).surfaces.find((x) => x.surface === 'api')!.available).toBeGreaterThan(before);
    expect(first.provider.creates).toHaveLength(0);
    expect((await second.core.ledger.audit()).ok).toBe(true);
  });
});
