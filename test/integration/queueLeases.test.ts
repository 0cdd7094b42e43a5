import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { TaskRequest } from '../../electron/core/providers/provider';
import type { Core } from '../../electron/core/createCore';
import { makeClip, mediaBinaries } from '../support/clips';
import { FakeClock } from '../support/core';
import { ENGINES, needsOn, testCoreOn, type EngineName } from '../support/coreOn';
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
async function setup(o: { engine?: EngineName; dataDir?: string; databaseUrl?: string; clock?: FakeClock; provider?: ScriptedProvider; start?: boolean } = {}) {
  const clock = o.clock ?? new FakeClock();
  const provider = o.provider ?? new ScriptedProvider('runway', clip, 25);
  const logs: string[] = [];
  const t = await testCoreOn(o.engine ?? 'sqlite', {
    clock,
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
    ...(o.databaseUrl ? { databaseUrl: o.databaseUrl } : {}),
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
  return { core: t.core, clock, provider, logs, dataDir: t.dataDir, databaseUrl: t.databaseUrl, cleanup };
}

const submit = (core: Core, name = 'Leases') =>
  core.queue.submit(submitRequest({ params: { provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', prompt: 'a lantern in the rain', seed: 7 }, projectName: name }));

const row = async (core: Core, id: string) => (await core.queue.repo.get(id))!;
const reservations = async (core: Core, jobId: string) =>
  ((await core.dispatch('credits.reservations', { jobId }, { role: 'owner', door: 'cli' })) as { value: { state: string; captured: number | null }[] }).value;

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 2500) {
  for (let i = 0; i < ms / 5; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

for (const engine of ENGINES) describeWith(needsOn(engine), `fenced leases (Q2) · ${engine}`, () => {

  it('every write of a stale lease holder changes 0 rows once the job was claimed again', async () => {
    const { core, clock } = await setup({ engine, start: false });
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

  it('a claim of n takes exactly n ready jobs, best first (priority, then queue order), and never one twice', async () => {
    const { core, clock } = await setup({ engine, start: false });
    await core.ledger.purchase({ id: 'buy-claim', surface: 'api', credits: 1000 });
    const ids: string[] = [];
    for (const [seed, priority] of [[1, 0], [2, 0], [3, 5], [4, 0]] as const) {
      ids.push((await core.queue.submit(submitRequest({ params: { provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', prompt: 'a lantern in the rain', seed }, projectName: 'Claims', priority }))).jobId);
    }
    await core.queue.moveBefore(ids[1]!, ids[0]!);
    const claim = (n: number) => core.engine.tx((q) => core.queue.repo.claimReady(q, n, ['runway'], clock.now(), LEASE), { isolation: 'lockRows' });
    // PostgreSQL may run a plain `IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)` once per row and claim them all.
    expect((await claim(2)).map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect((await claim(1)).map((r) => r.id)).toEqual([ids[0]]);
    expect((await claim(5)).map((r) => r.id)).toEqual([ids[3]]);
    expect(await claim(5)).toEqual([]);
  });

  it('a claim takes ready jobs that still own a task in flight first, then the rest best first', async () => {
    const { core, clock } = await setup({ engine, start: false });
    await core.ledger.purchase({ id: 'buy-owners', surface: 'api', credits: 1000 });
    const ids: string[] = [];
    for (const seed of [1, 2, 3]) {
      ids.push((await core.queue.submit(submitRequest({ params: { provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', prompt: 'a lantern in the rain', seed }, projectName: 'Owners' }))).jobId);
    }
    // The last in line was taken back from a dead worker with its task submitted at the provider.
    await core.engine.run("UPDATE job_tasks SET status = 'submitted', provider_task_id = 'task-owned' WHERE job_id = ?", [ids[2]!]);
    const claim = (n: number) => core.engine.tx((q) => core.queue.repo.claimReady(q, n, ['runway'], clock.now(), LEASE), { isolation: 'lockRows' });
    expect((await claim(2)).map((r) => r.id)).toEqual([ids[2], ids[0]]);
    expect((await claim(2)).map((r) => r.id)).toEqual([ids[1]]);
  });

  it('a worker running past its lease stops at its next step and writes nothing once the job is claimed again', async () => {
    const provider = new ScriptedProvider('runway', clip, 25);
    provider.fallback = { kind: 'ok', statuses: [...Array<'RUNNING'>(40).fill('RUNNING'), 'SUCCEEDED'] };
    const { core, clock, logs } = await setup({ engine, provider });
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

  it('a worker whose lease is taken over during its create records nothing, polls nothing and stores nothing, though the task finished at once', async () => {
    // The first poll after a create does not read the lease again: the create's record, fenced by the lease,
    // is what stops worker A here — before any poll, download or stored clip.
    const provider = new ScriptedProvider('runway', clip, 25);
    provider.fallback = { kind: 'ok', statuses: ['SUCCEEDED'] };
    const { core, clock, logs } = await setup({ engine, provider });
    await core.ledger.purchase({ id: 'buy-q2d', surface: 'api', credits: 1000 });
    const repo = core.queue.repo;
    let reclaimed: Awaited<ReturnType<typeof row>> | null = null;
    const create = provider.create.bind(provider);
    provider.create = async (req) => {
      const made = await create(req);
      // While A's create is answered, its lease runs out and worker B claims the job.
      clock.advance(LEASE * 2);
      await core.engine.tx(async (q) => {
        await repo.on(q).requeueExpired.run({ id: req.jobId, now: clock.now() });
        await repo.on(q).claim.run({ id: req.jobId, now: clock.now(), leaseUntil: clock.now() + LEASE });
      });
      reclaimed = await row(core, req.jobId);
      return made;
    };
    const { jobId } = await submit(core);
    await until(async () => logs.some((l) => l.includes('lease lost')), 'worker A to stop');
    await core.queue.idle();
    expect(provider.creates).toHaveLength(1);
    expect([...provider.tasks.values()].map((t) => t.polls)).toEqual([0]);
    expect(await row(core, jobId)).toEqual(reclaimed); // B's claim, untouched by A
    // A's intent stands as B found it (B resolves it as an unknown outcome); A recorded no task id, no take.
    expect((await repo.tasks(jobId))[0]).toMatchObject({ status: 'intent', provider_task_id: null, take_id: null });
    expect(await core.takes.byJob(jobId)).toEqual([]);
    expect((await core.engine.all<{ provider_job_id: string | null }>('SELECT provider_job_id FROM attempts WHERE job_id = ?', [jobId])).map((a) => a.provider_job_id)).toEqual([null]);
    expect(await core.media.list((await row(core, jobId)).project_id)).toEqual([]);
    expect(await reservations(core, jobId)).toEqual([expect.objectContaining({ state: 'pending', captured: null })]);
    expect((await core.ledger.audit()).ok).toBe(true);
  });

  it('a cancel asked for between the claim and the create sends nothing: the intent is fenced by it, the task ends cancelled and the hold goes back', async () => {
    const provider = new ScriptedProvider('runway', clip, 25);
    provider.fallback = { kind: 'ok', statuses: ['SUCCEEDED'] };
    const { core } = await setup({ engine, provider, start: false });
    await core.ledger.purchase({ id: 'buy-q2f', surface: 'api', credits: 1000 });
    const { jobId } = await submit(core);
    // The runner reads the provider's balance just before it writes the intent: the cancel lands there, after
    // the claim (and after the step's last look at the job), as one from another window or process would.
    const account = provider.account.bind(provider);
    let isCancelAsked = false;
    provider.account = async () => {
      if (!isCancelAsked && (await row(core, jobId)).status === 'running') {
        isCancelAsked = true;
        await core.queue.cancel(jobId);
      }
      return account();
    };
    await core.queue.start();
    await until(async () => (await row(core, jobId)).status === 'cancelled', 'the job to end cancelled');
    await core.queue.idle();
    expect(isCancelAsked).toBe(true);
    expect(provider.creates).toHaveLength(0);
    expect((await core.queue.repo.tasks(jobId)).map((t) => t.status)).toEqual(['cancelled']);
    expect(await core.engine.all('SELECT id FROM attempts WHERE job_id = ?', [jobId])).toEqual([]);
    expect(await reservations(core, jobId)).toEqual([expect.objectContaining({ captured: 0 })]);
    expect((await reservations(core, jobId))[0]!.state).not.toBe('pending');
    expect((await core.ledger.audit()).ok).toBe(true);
  });

  it("a worker whose task failed (a retry) while its lease was taken over puts back nothing of the new owner's", async () => {
    const provider = new ScriptedProvider('runway', clip, 25);
    provider.fallback = { kind: 'ok', statuses: ['RUNNING', 'RUNNING', 'FAILED'], failureCode: 'INTERNAL' };
    const { core, clock, logs } = await setup({ engine, provider });
    await core.ledger.purchase({ id: 'buy-q2c', surface: 'api', credits: 1000 });
    const { jobId } = await submit(core);
    const repo = core.queue.repo;
    let owner: { token: number; attemptId: number } | null = null;
    // Worker A asks for its task's state; while the answer (FAILED, worth a retry) is on its way, A's lease runs
    // out and worker B claims the job, sees the same failure, and starts the variation again as a new task.
    const get = provider.get.bind(provider);
    provider.get = async (taskId) => {
      const state = await get(taskId);
      if (state.status === 'FAILED' && !owner) {
        clock.advance(LEASE * 2);
        owner = await core.engine.tx(async (q) => {
          const on = repo.on(q);
          const now = clock.now();
          await on.requeueExpired.run({ id: jobId, now });
          await on.claim.run({ id: jobId, now, leaseUntil: now + LEASE });
          const job = (await on.get.get({ id: jobId }))!;
          const token = job.lease_token;
          expect((await on.taskBackToPending.run({ id: jobId, n: 0, token })).changes).toBe(1);
          expect((await on.taskIntent.run({ id: jobId, n: 0, token, now })).changes).toBe(1);
          const attemptId = await core.queue.attempts.start({
            jobId, n: 0, attempt: 2, provider: 'runway', artifactClass: job.artifact_class, model: job.model, paramsHash: job.params_hash,
            inputBytes: job.input_bytes, outputSpec: job.output_spec, creditsBefore: null, creditsEstimated: 25, queueTimeMs: 0, startedAt: now,
          }, q);
          await core.queue.attempts.setProviderJobId(attemptId, 'task-of-b', q);
          expect((await on.taskSubmitted.run({ id: jobId, n: 0, token, taskId: 'task-of-b', est: 25, now })).changes).toBe(1);
          return { token, attemptId };
        });
      }
      return state;
    };
    await until(async () => owner !== null, 'the takeover');
    await until(async () => logs.some((l) => l.includes('lease lost')), 'worker A to stop');
    await core.queue.idle();
    // A's retry would have put the variation back to pending (dropping B's task, which Runway still runs and bills)
    // and closed B's attempt as its own failure: B's task and attempt are as B left them.
    expect((await repo.tasks(jobId))[0]).toMatchObject({ status: 'submitted', provider_task_id: 'task-of-b' });
    expect(await core.queue.attempts.openFor(jobId, 0)).toEqual(expect.objectContaining({ id: owner!.attemptId }));
    expect(await row(core, jobId)).toMatchObject({ status: 'running', lease_token: owner!.token });
    expect(provider.creates).toHaveLength(1);
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

// A studio runs any number of workers on one PostgreSQL database: none owns the running jobs, so a start
// recovers nothing at once; a dead worker's job comes back when its lease runs out, and another takes it.
describeWith(needsOn('postgres'), "a dead studio worker's job (PostgreSQL, shared runners)", () => {
  it('is left alone while its lease holds, then taken over by another worker and finished once', async () => {
    const clock = new FakeClock();
    // Both workers read the studio's prompt key (here one machine's data dir; across machines the same key must be given to each).
    const dir = tempDir('ct-shared-');
    cleanups.push(async () => dir.cleanup());
    const first = await setup({ engine: 'postgres', clock, dataDir: dir.dir, start: false });
    await first.core.ledger.purchase({ id: 'buy-shared', surface: 'api', credits: 1000 });
    const { jobId } = await submit(first.core, 'Shared');
    // Worker A claimed the job, then died (nothing more of it runs).
    expect((await first.core.queue.repo.s.claim.run({ id: jobId, now: clock.now(), leaseUntil: clock.now() + LEASE })).changes).toBe(1);
    const token = (await row(first.core, jobId)).lease_token;
    await first.cleanup();

    // Worker B on the same database, sharing the clock: while A's lease holds, the job stays A's.
    const second = await setup({ engine: 'postgres', clock, dataDir: dir.dir, databaseUrl: first.databaseUrl!, provider: first.provider });
    second.core.queue.kick();
    await new Promise((r) => setTimeout(r, 200));
    await second.core.queue.idle();
    expect(await row(second.core, jobId)).toMatchObject({ status: 'running', lease_token: token });
    expect(first.provider.creates).toHaveLength(0);

    // The lease runs out: B's next scan takes the job back (fencing A's token) and runs it.
    clock.advance(LEASE + 1);
    second.core.queue.kick();
    await until(async () => (await row(second.core, jobId)).status === 'succeeded', 'the recovered job to finish');
    await second.core.queue.idle();
    const done = await row(second.core, jobId);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, captured_credits: 25 });
    expect(done.lease_token).toBeGreaterThan(token);
    expect(second.logs.some((l) => l.includes('lease ran out'))).toBe(true);
    expect(second.logs.some((l) => l.includes('recovered a job that was running when the app stopped'))).toBe(false);
    expect(first.provider.creates).toHaveLength(1);
    expect(await reservations(second.core, jobId)).toEqual([expect.objectContaining({ state: 'captured', captured: 25 })]);
    expect((await second.core.ledger.audit()).ok).toBe(true);
  });
});

// Liveness under the tier's concurrency limit (a chaos soak on PostgreSQL once stalled this way): a job
// taken back after its worker died may still own a task in flight at the provider, which counts against
// the tier. If every worker slot is held by jobs waiting for the tier, that job must still get a slot, or
// its task is never polled, never ends, and the tier never frees.
const WAITING = 4;
describeWith(ffmpegNeed, 'a recovered job owning a task in flight gets a slot (tier limit 1)', () => {
  it('is claimed ahead of the jobs first in line, which would only wait for the tier; then they run, each created once', async () => {
    const clock = new FakeClock();
    const dir = tempDir('ct-tier-');
    cleanups.push(async () => dir.cleanup());
    const provider = new ScriptedProvider('runway', clip, 25);
    provider.account = async () => ({ creditBalance: provider.balance, limits: { 'gen4.5': { maxConcurrent: 1, maxDaily: null, usedToday: null } } });
    const first = await setup({ clock, dataDir: dir.dir, provider, start: false });
    await first.core.ledger.purchase({ id: 'buy-tier', surface: 'api', credits: 1000 });
    // Queue order: WAITING jobs first (more than the queue has slots), then "owner".
    const waitings: string[] = [];
    for (let i = 0; i < WAITING; i++) waitings.push((await first.core.queue.submit(submitRequest({ params: { provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', prompt: 'a lantern in the rain', seed: 100 + i }, projectName: 'Waiting' }))).jobId);
    const owner = (await core2Submit(first.core)).jobId;
    // The earlier boot claimed "owner" and created its task (in flight at the provider), then died.
    await first.core.queue.repo.s.claim.run({ id: owner, now: clock.now(), leaseUntil: clock.now() + LEASE });
    const created = await provider.create({ jobId: owner, variation: 0, params: { provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', prompt: 'a lantern in the rain', seed: 8 } as TaskRequest['params'] });
    await first.core.engine.run("UPDATE job_tasks SET status = 'submitted', provider_task_id = ?, submitted_at = ? WHERE job_id = ?", [created.taskId, clock.now(), owner]);
    await first.cleanup();

    // The next boot knows the tier (1 in flight) before it claims: one slot, and "waiting" is first in line.
    const second = await setup({ clock, dataDir: dir.dir, provider, start: false });
    await second.core.queue.refreshProviderLimits();
    expect(second.core.gate.concurrency('runway')).toBe(1);
    // What the owner's row said (committed) when each waiting job's create went out. (The slot the owner frees
    // is claimed in the commit that ends it, so a waiting job's create may go out before this test looks again.)
    const ownerAtCreate: string[] = [];
    const create = provider.create.bind(provider);
    provider.create = async (req) => {
      if (req.jobId !== owner) ownerAtCreate.push((await row(second.core, owner)).status);
      return create(req);
    };
    await second.core.queue.start();
    await until(async () => (await row(second.core, owner)).status === 'succeeded', 'the recovered job to finish', 12_000);
    // Nothing of "waiting" was sent while the owner's task was in flight; then it runs in its turn.
    expect(provider.creates[0]?.jobId).toBe(owner);
    for (const id of waitings) await until(async () => (await row(second.core, id)).status === 'succeeded', 'the waiting jobs to finish', 30_000);
    expect(ownerAtCreate).toEqual(waitings.map(() => 'succeeded'));
    await second.core.queue.idle();
    expect(provider.creates.map((c) => c.jobId).sort()).toEqual([owner, ...waitings].sort());
    for (const id of waitings) expect(await row(second.core, id)).toMatchObject({ status: 'succeeded', captured_credits: 25 });
    expect((await second.core.ledger.audit()).ok).toBe(true);
  });
});

// A job waiting out the tier sent nothing: the gate's request token it took goes back. It used to be
// spent — one a second per waiting job — which could empty the provider's bucket for every other job, and
// on a stopped clock (this test's) no token ever came back, so the jobs behind never ran.
describeWith(ffmpegNeed, 'waiting out the tier spends no request tokens', () => {
  it("a job the tier's concurrency limit turns away gives its token back: after seconds of waiting the plan's burst still covers every create", async () => {
    const clock = new FakeClock();
    const provider = new ScriptedProvider('runway', clip, 25);
    provider.account = async () => ({ creditBalance: provider.balance, limits: { 'gen4.5': { maxConcurrent: 1, maxDaily: null, usedToday: null } } });
    const s = await setup({ clock, provider, start: false });
    await s.core.ledger.purchase({ id: 'buy-tokens', surface: 'api', credits: 1000 });
    // An earlier boot's job owns the tier's one slot with a task that stays RUNNING until the test lets it end.
    const owner = (await core2Submit(s.core)).jobId;
    await s.core.queue.repo.s.claim.run({ id: owner, now: clock.now(), leaseUntil: clock.now() + LEASE });
    const held = await provider.script({ kind: 'ok', statuses: ['RUNNING'] }).create({ jobId: owner, variation: 0, params: { provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', prompt: 'a lantern in the rain', seed: 8 } as TaskRequest['params'] });
    await s.core.engine.run("UPDATE job_tasks SET status = 'submitted', provider_task_id = ?, submitted_at = ? WHERE job_id = ?", [held.taskId, clock.now(), owner]);
    const waiting: string[] = [];
    for (let i = 0; i < 4; i++) waiting.push((await s.core.queue.submit(submitRequest({ params: { provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', prompt: 'a lantern in the rain', seed: 200 + i }, projectName: 'Waiting' }))).jobId);
    await s.core.queue.start();
    await s.core.queue.refreshProviderLimits();
    // Two worker slots (the plan's start) although the tier allows one task: the owner's poll holds one, and
    // a waiting job in the other is turned away by the tier once a second.
    s.core.gate.setProviderLimit('runway', null);
    await new Promise((r) => setTimeout(r, 3_500));
    expect(provider.creates.map((c) => c.jobId)).toEqual([owner]);
    // The plan's burst is 5 requests and the clock stands still, so no token refills: the four creates still
    // to come need four of the five, which only holds if the waits above spent none.
    provider.tasks.get(held.taskId)!.statuses = ['SUCCEEDED'];
    for (const id of [owner, ...waiting]) await until(async () => (await row(s.core, id)).status === 'succeeded', 'every job to finish', 30_000);
    await s.core.queue.idle();
    expect(provider.creates.map((c) => c.jobId).sort()).toEqual([owner, ...waiting].sort());
    expect((await s.core.ledger.audit()).ok).toBe(true);
  });
});

const core2Submit = (core: Core) =>
  core.queue.submit(submitRequest({ params: { provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', prompt: 'a lantern in the rain', seed: 8 }, projectName: 'Owner' }));
