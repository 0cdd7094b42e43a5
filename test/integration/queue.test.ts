import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import type { GenerationParamsInput } from '../../shared/jobParams';
import { makeClip, mediaBinaries } from '../support/clips';
import { FakeClock } from '../support/core';
import { ENGINES, needsOn, testCoreOn, type EngineName } from '../support/coreOn';
import { ScriptedProvider } from '../support/scriptedProvider';
import { tempDir } from '../support/tmp';
import { describeWith, ffmpegNeed } from '../support/needs';
import { submitRequest } from '../support/parsed';

// The queue end to end on both engines (a real SQLite file, a real PostgreSQL database), the real ledger and media store, with a scripted
// zero-latency provider standing in for Runway (real ffmpeg clips as its outputs).
const PROMPT = 'a paper boat drifting past a lighthouse at dawn';
const clipDir = tempDir('ct-queue-clips-');
let clip = '';
beforeAll(() => {
  if (mediaBinaries) clip = makeClip(clipDir.dir, 'out.mp4', { width: 1280, height: 720, durationSec: 2, audio: 'none' });
});
afterAll(() => clipDir.cleanup());

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

interface Setup {
  core: Core;
  provider: ScriptedProvider;
  dataDir: string;
  logs: string[];
}

async function setup(engine: EngineName, opts: { dataDir?: string; provider?: ScriptedProvider; credits?: number; start?: boolean; clock?: FakeClock } = {}): Promise<Setup> {
  const provider = opts.provider ?? new ScriptedProvider('runway', clip, 25);
  const logs: string[] = [];
  const t = await testCoreOn(engine, {
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    logger: { log: (level, msg, fields) => logs.push(JSON.stringify({ level, msg, ...fields })) },
    config: { providerOverrides: [provider], pollIntervalMs: { runway: 5, local: 20 }, leaseMs: 2_000 },
  });
  cleanups.push(t.cleanup);
  if (opts.credits !== 0) await t.core.ledger.purchase({ id: `buy-${Math.random()}`, surface: 'api', credits: opts.credits ?? 1000 });
  if (opts.start !== false) await t.core.queue.start();
  return { core: t.core, provider, dataDir: t.dataDir, logs };
}

const params = (p: Partial<GenerationParamsInput> = {}): GenerationParamsInput => ({
  provider: 'runway',
  model: 'gen4.5',
  durationSec: 5,
  ratio: '1280:720',
  prompt: PROMPT,
  seed: 42,
  ...p,
});

const apiAvailable = async (core: Core) => (await core.ledger.balances()).surfaces.find((s) => s.surface === 'api')!.available;

async function settle(core: Core, jobId: string) {
  for (let i = 0; i < 400; i++) {
    const j = await core.queue.get(jobId);
    if (['succeeded', 'partial', 'failed', 'cancelled', 'unknown', 'discarded'].includes(j.status)) {
      await core.queue.idle();
      await core.takeChecks.idle();
      return await core.queue.get(jobId);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${jobId} did not settle: ${JSON.stringify(await core.queue.get(jobId))}`);
}

for (const engine of ENGINES) describeWith(needsOn(engine), `job queue · ${engine}`, () => {

  it('reserves at submit, stores the takes, captures what the provider billed, and checks each take', async () => {
    const { core, provider } = await setup(engine);
    const before = await apiAvailable(core);
    const r = await core.queue.submit(submitRequest({ params: params({ variations: 2 }), projectName: 'Spot', shotName: 'Open' }));
    expect(r.cacheHit).toBe(false);
    expect(r.credits.reserved).toBe(120); // gen4.5: 12/s × 5 s × 2
    const job = await settle(core, r.jobId);
    expect(job.status).toBe('succeeded');
    expect(provider.creates).toHaveLength(2);
    expect(job.capturedCredits).toBe(provider.billed);
    expect(await apiAvailable(core)).toBe(before - provider.billed);
    expect((await core.ledger.reservationForJob(r.jobId))?.state).toBe('captured');
    const takes = (await core.takes.byJob(r.jobId));
    expect(takes.map((t) => t.n)).toEqual([0, 1]);
    for (const t of takes) {
      expect(t.artifactClass).toBe('preview');
      expect(await core.takePath(t.id)).toMatch(new RegExp(`/preview/${job.projectId}/\\d{4}-\\d{2}-\\d{2}/${job.id}-\\d\\.mp4$`));
      expect(t.checkStatus).not.toBe('pending');
    }
    // Variations get distinct seeds so they are distinct takes.
    expect(provider.creates.map((c) => c.params.seed).sort()).toEqual([42, 43]); // the two creates run side by side, in either order
  });

  it('answers the same intent from the cache: no charge, the takes back, the credits saved said', async () => {
    const { core, provider } = await setup(engine);
    const first = await core.queue.submit(submitRequest({ params: params(), projectName: 'Spot' }));
    const done = await settle(core, first.jobId);
    const balance = await apiAvailable(core);
    const again = await core.queue.submit(submitRequest({ params: params({ prompt: `  ${PROMPT.replace(' ', '   ')} ` }), projectName: 'Spot' }));
    expect(again.cacheHit).toBe(true);
    expect(again.creditsSaved).toBe(done.capturedCredits);
    expect(again.takes.map((t) => t.id)).toEqual((await core.takes.byJob(first.jobId)).map((t) => t.id));
    expect(await apiAvailable(core)).toBe(balance);
    expect(provider.creates).toHaveLength(1);
    // New creative intent, or an explicit re-roll, is a new key.
    const changed = await core.queue.submit(submitRequest({ params: params({ seed: 7 }), projectName: 'Spot' }));
    expect(changed.cacheHit).toBe(false);
    const reroll = await core.queue.submit(submitRequest({ params: params(), projectName: 'Spot', noCache: true }));
    expect(reroll.cacheHit).toBe(false);
  });

  it('refuses bad input and over-budget work without writing a job, a take or a ledger entry', async () => {
    const { core } = await setup(engine, { credits: 1000 });
    const history = (await core.ledger.history()).length;
    await expect(core.queue.submit(submitRequest({ params: params({ model: 'no-such-model' }), projectName: 'Spot' }))).rejects.toMatchObject({ code: 'VALIDATION' });
    // veo3.1 with audio: 40/s × 8 s × 4 = 1,280 credits against 1,000 bought.
    await expect(core.queue.submit(submitRequest({ params: params({ model: 'veo3.1', durationSec: 8, audio: true, variations: 4 }), projectName: 'Spot' }))).rejects.toMatchObject({
      code: expect.stringMatching(/INSUFFICIENT_CREDITS|POLICY_REFUSED/),
    });
    await expect(core.queue.submit(submitRequest({ params: params({ promptImage: '/no/such/file.png' }), projectName: 'Spot' }))).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { field: 'promptImage' },
    });
    expect(await core.queue.list()).toEqual([]);
    expect(await core.ledger.history()).toHaveLength(history);
  });

  it('retries a create the provider refused with 429 and creates the task once', async () => {
    const provider = new ScriptedProvider('runway', clip).script(
      { kind: 'error', verdict: 'retry', httpStatus: 429, retryAfterMs: 20 },
      { kind: 'error', verdict: 'retry', httpStatus: 503 },
      { kind: 'ok' },
    );
    const { core } = await setup(engine, { provider });
    const r = await core.queue.submit(submitRequest({ params: params(), projectName: 'Spot' }));
    const job = await settle(core, r.jobId);
    expect(job.status).toBe('succeeded');
    expect(provider.creates).toHaveLength(1);
    const rows = await core.engine.all<{ status: string }>('SELECT status FROM attempts WHERE job_id = ? ORDER BY id', [r.jobId]);
    expect(rows.map((a) => a.status)).toEqual(['retry', 'retry', 'ok']);
  });

  it('holds a job whose create outcome is unknown, with its reservation, until the user decides', async () => {
    const provider = new ScriptedProvider('runway', clip).script({ kind: 'error', verdict: 'unknown', message: 'socket hang up after sending' });
    const { core } = await setup(engine, { provider });
    const r = await core.queue.submit(submitRequest({ params: params(), projectName: 'Spot' }));
    const job = await settle(core, r.jobId);
    expect(job.status).toBe('unknown');
    expect(job.errorMessage).toMatch(/resubmit|abandon/);
    expect((await core.ledger.reservationForJob(r.jobId))?.state).toBe('pending');
    expect(provider.creates).toHaveLength(1); // the provider did create one
    await core.queue.resolveUnknown(r.jobId, 'abandon');
    const abandoned = await settle(core, r.jobId);
    expect(abandoned.status).toBe('failed');
    expect(abandoned.capturedCredits).toBe(0);
    expect((await core.ledger.reservationForJob(r.jobId))?.state).not.toBe('pending');
    expect(provider.creates).toHaveLength(1);
  });

  it('resubmits an unknown job only when the user says so', async () => {
    const provider = new ScriptedProvider('runway', clip).script({ kind: 'error', verdict: 'unknown' });
    const { core } = await setup(engine, { provider });
    const r = await core.queue.submit(submitRequest({ params: params(), projectName: 'Spot' }));
    await settle(core, r.jobId);
    await core.queue.resolveUnknown(r.jobId, 'resubmit');
    const job = await settle(core, r.jobId);
    expect(job.status).toBe('succeeded');
    expect(provider.creates).toHaveLength(2);
  });

  it('fails a job the provider refuses outright into the dead letters; retry re-reserves and runs it', async () => {
    const provider = new ScriptedProvider('runway', clip).script({ kind: 'error', verdict: 'fatal', httpStatus: 400, message: "Invalid parameter 'promptText'" });
    const { core } = await setup(engine, { provider });
    const before = await apiAvailable(core);
    const r = await core.queue.submit(submitRequest({ params: params(), projectName: 'Spot' }));
    const failed = await settle(core, r.jobId);
    expect(failed.status).toBe('failed');
    expect(failed.errorMessage).toContain("Invalid parameter 'promptText'");
    expect(await apiAvailable(core)).toBe(before);
    expect((await core.queue.deadLetters()).map((j) => j.id)).toEqual([r.jobId]);
    await core.queue.retry(r.jobId);
    const ok = await settle(core, r.jobId);
    expect(ok.status).toBe('succeeded');
    expect(await core.queue.deadLetters()).toEqual([]);
    expect(await apiAvailable(core)).toBe(before - provider.billed);
  });

  it('retries a task the provider failed with a retryable code, and settles on every attempt billed', async () => {
    const provider = new ScriptedProvider('runway', clip).script(
      { kind: 'ok', statuses: ['RUNNING', 'FAILED'], failureCode: 'INTERNAL.BAD_OUTPUT.CODE01' },
      { kind: 'ok', cost: 60 },
    );
    const { core } = await setup(engine, { provider });
    const r = await core.queue.submit(submitRequest({ params: params(), projectName: 'Spot' }));
    const job = await settle(core, r.jobId);
    expect(job.status).toBe('succeeded');
    expect(provider.creates).toHaveLength(2);
    expect(job.capturedCredits).toBe(provider.billed);
  });

  it('does not retry a moderation failure', async () => {
    const provider = new ScriptedProvider('runway', clip).script({ kind: 'ok', statuses: ['FAILED'], failureCode: 'SAFETY.INPUT.TEXT' });
    const { core } = await setup(engine, { provider });
    const r = await core.queue.submit(submitRequest({ params: params(), projectName: 'Spot' }));
    const job = await settle(core, r.jobId);
    expect(job.status).toBe('failed');
    expect(job.errorCode).toBe('SAFETY.INPUT.TEXT');
    expect(provider.creates).toHaveLength(1);
  });

  it('cancels before submission (reservation released) and after (provider asked, settled on its final cost)', async () => {
    const { core, provider } = await setup(engine, { start: false });
    const before = await apiAvailable(core);
    const waiting = await core.queue.submit(submitRequest({ params: params(), projectName: 'Spot' }));
    expect(await apiAvailable(core)).toBe(before - waiting.credits.reserved);
    const cancelled = await core.queue.cancel(waiting.jobId);
    expect(cancelled.status).toBe('cancelled');
    expect(await apiAvailable(core)).toBe(before);
    expect((await core.ledger.reservationForJob(waiting.jobId))?.state).not.toBe('pending');

    provider.script({ kind: 'ok', statuses: ['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED'], cost: 40 });
    await core.queue.start();
    const running = await core.queue.submit(submitRequest({ params: params({ seed: 9 }), projectName: 'Spot' }));
    for (let i = 0; i < 200 && (await core.queue.get(running.jobId)).tasks[0]!.status !== 'submitted'; i++) await new Promise((r) => setTimeout(r, 5));
    await core.queue.cancel(running.jobId);
    const end = await settle(core, running.jobId);
    expect(end.status).toBe('cancelled');
    expect(provider.cancels).toHaveLength(1);
    expect(end.capturedCredits).toBe(40); // the provider's final cost for a cancelled task
    expect(await apiAvailable(core)).toBe(before - 40);
  });

  it('acknowledges every one of 8 concurrent submitters\' submits, reserving each once (money transactions take turns, none refused)', async () => {
    const { core } = await setup(engine, { start: false, credits: 10_000 });
    const before = await apiAvailable(core);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, who) =>
        (async () => {
          const ids: string[] = [];
          for (let k = 0; k < 4; k++) ids.push((await core.queue.submit(submitRequest({ params: params({ seed: 1000 + who * 10 + k }), projectName: 'Rush', userId: `member${who}` }))).jobId);
          return ids;
        })(),
      ),
    );
    const refused = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(refused).toEqual([]);
    const ids = results.flatMap((r) => (r as PromiseFulfilledResult<string[]>).value);
    expect(new Set(ids).size).toBe(32);
    const jobs = await Promise.all(ids.map((id) => core.queue.get(id)));
    expect(jobs.every((j) => j.status === 'queued' && j.reservedCredits > 0)).toBe(true);
    expect(await apiAvailable(core)).toBe(before - jobs.reduce((n, j) => n + j.reservedCredits, 0));
    expect((await core.ledger.audit()).ok).toBe(true);
  });

  it("lists a project's newest jobs, each with its own tasks, filtered by status in the database (more jobs than one read of tasks takes)", async () => {
    const { core } = await setup(engine, { start: false, credits: 20_000 });
    const other = await core.queue.submit(submitRequest({ params: params({ seed: 1 }), projectName: 'Other' }));
    const ids: string[] = [];
    for (let k = 0; k < 22; k++) ids.push((await core.queue.submit(submitRequest({ params: params({ seed: 100 + k, variations: k % 3 === 0 ? 2 : 1 }), projectName: 'Season' }))).jobId);
    const isCancelled = (k: number) => k % 4 === 1;
    for (const [k, id] of ids.entries()) if (isCancelled(k)) await core.queue.cancel(id);
    const projectId = (await core.queue.get(ids[0]!)).projectId;
    const newestFirst = (keep: (k: number) => boolean, from = 0) => ids.map((id, k) => ({ id, k })).slice(from).filter((x) => keep(x.k)).map((x) => x.id).reverse();

    const all = await core.queue.list({ projectId });
    expect(all.map((j) => j.id)).toEqual(newestFirst(() => true));
    expect(all.map((j) => j.id)).not.toContain(other.jobId);
    for (const j of all) {
      const k = ids.indexOf(j.id);
      expect(j.tasks.map((t) => t.n), j.id).toEqual(k % 3 === 0 ? [0, 1] : [0]);
      expect(new Set(j.tasks.map((t) => t.status)), j.id).toEqual(new Set([isCancelled(k) ? 'cancelled' : 'pending']));
    }
    const queued = await core.queue.list({ projectId, status: ['queued', 'running'] });
    expect(queued.map((j) => j.id)).toEqual(newestFirst((k) => !isCancelled(k)));
    expect(queued.map((j) => j.tasks.length)).toEqual(queued.map((j) => (ids.indexOf(j.id) % 3 === 0 ? 2 : 1)));
    // The limit takes the newest jobs, then the status filter picks among them.
    expect((await core.queue.list({ projectId, status: ['cancelled'], limit: 8 })).map((j) => j.id)).toEqual(newestFirst(isCancelled, 14));
    expect(await core.queue.list({ projectId, status: [] })).toEqual([]);
  });

  it('runs by priority, then by queue order; pause holds everything', async () => {
    const { core, provider } = await setup(engine, { start: false });
    const a = await core.queue.submit(submitRequest({ params: params({ seed: 1 }), projectName: 'Spot' }));
    const b = await core.queue.submit(submitRequest({ params: params({ seed: 2 }), projectName: 'Spot' }));
    const c = await core.queue.submit(submitRequest({ params: params({ seed: 3 }), projectName: 'Spot', priority: 5 }));
    await core.queue.moveBefore(b.jobId, a.jobId);
    await core.queue.setPaused(true);
    await core.queue.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(provider.creates).toHaveLength(0);
    // One slot (after the provider's own limits were read, which would lift it), so the order of the
    // provider's creates is the order of the claims (with more, claimed jobs run side by side).
    await core.queue.refreshProviderLimits();
    for (const p of core.providers.keys()) core.gate.setProviderLimit(p, 1);
    await core.queue.setPaused(false);
    for (const id of [a.jobId, b.jobId, c.jobId]) await settle(core, id);
    expect(provider.creates.map((x) => x.params.seed)).toEqual([3, 2, 1]);
  });

  it('keeps jobs waiting with their reservations while the provider breaker is open', async () => {
    const { core, provider } = await setup(engine, { start: false });
    core.gate.forceOpen('runway');
    await core.queue.start();
    const r = await core.queue.submit(submitRequest({ params: params(), projectName: 'Spot' }));
    await new Promise((res) => setTimeout(res, 150));
    const job = await core.queue.get(r.jobId);
    expect(job.status).toBe('queued');
    expect(job.attempts).toBe(0);
    expect(provider.creates).toHaveLength(0);
    expect((await core.ledger.reservationForJob(r.jobId))?.state).toBe('pending');
    expect((await core.queue.status()).breakers).toContainEqual(expect.objectContaining({ provider: 'runway', state: 'open' }));
    // Closing the breaker lets it run at once, as its first attempt.
    core.gate.reset('runway');
    await settle(core, r.jobId);
    expect(await core.queue.get(r.jobId)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(provider.creates).toHaveLength(1);
  });

  it('a job the half-open breaker turns away is not charged an attempt, and runs once the trial succeeds', async () => {
    const clock = new FakeClock(Date.now());
    const { core, provider } = await setup(engine, { start: false, clock });
    core.gate.forceOpen('runway');
    clock.advance(11 * 60_000); // past the plan's 10-minute window: half-open, one trial allowed
    const trial = await core.gate.admit('runway', new AbortController().signal);
    expect(trial).not.toBeNull();
    await core.queue.start();
    const r = await core.queue.submit(submitRequest({ params: params(), projectName: 'Spot' }));
    for (let i = 0; i < 200 && (await core.queue.get(r.jobId)).errorCode !== 'PROVIDER_UNAVAILABLE'; i++) await new Promise((res) => setTimeout(res, 10));
    const held = await core.queue.get(r.jobId);
    expect(held).toMatchObject({ status: 'queued', errorCode: 'PROVIDER_UNAVAILABLE', attempts: 0 });
    expect(provider.creates).toHaveLength(0);
    expect((await core.ledger.reservationForJob(r.jobId))?.state).toBe('pending');
    trial!.success();
    clock.advance(1_000);
    expect(await settle(core, r.jobId)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  // The data dir's single runner recovers at once on restart (a studio's workers recover by lease expiry: queueLeases.test.ts).
  if (engine === 'sqlite') it('a restart frees jobs a breaker of the old process deferred, and only those', async () => {
    const dataDir = tempDir('ct-queue-undefer-');
    const clock = new FakeClock();
    const first = await setup(engine, { dataDir: dataDir.dir, start: false, clock });
    const held = await first.core.queue.submit(submitRequest({ params: params({ seed: 1 }), projectName: 'Spot' }));
    const backedOff = await first.core.queue.submit(submitRequest({ params: params({ seed: 2 }), projectName: 'Spot' }));
    const later = clock.now() + 60 * 60_000;
    const defer = (code: string, id: string) => first.core.engine.run('UPDATE jobs SET next_attempt_at = ?, error_code = ? WHERE id = ?', [later, code, id]);
    await defer('PROVIDER_UNAVAILABLE', held.jobId);
    await defer('RATE_LIMITED', backedOff.jobId);
    await first.core.dispose();
    cleanups.splice(cleanups.length - 1, 1);
    const second = await setup(engine, { dataDir: dataDir.dir, credits: 0, clock });
    cleanups.push(async () => dataDir.cleanup());
    expect((await settle(second.core, held.jobId)).status).toBe('succeeded');
    expect(await second.core.queue.get(backedOff.jobId)).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('never writes the prompt to the database in clear, to a path, or to a log line', async () => {
    const { core, dataDir, logs } = await setup(engine);
    const r = await core.queue.submit(submitRequest({ params: params({ negativePrompt: 'no seagulls anywhere in frame' }), projectName: 'Spot' }));
    await settle(core, r.jobId);
    if (core.db) core.db.conn.pragma('wal_checkpoint(TRUNCATE)');
    // Every text and byte column of the rows a job writes, on either engine.
    for (const table of ['jobs', 'job_tasks', 'attempts', 'takes', 'ledger_ops']) {
      const dump = JSON.stringify(await core.engine.all(`SELECT * FROM ${table}`), (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
      expect(dump, table).not.toContain('paper boat');
      expect(dump, table).not.toContain('no seagulls');
    }
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(dataDir);
    for (const f of files) {
      expect(f).not.toContain('paper boat');
      if (statSync(f).size < 50_000_000) expect(readFileSync(f).includes(Buffer.from('paper boat'))).toBe(false);
      expect(readFileSync(f).includes(Buffer.from('no seagulls'))).toBe(false);
    }
    expect(logs.join('\n')).not.toContain('paper boat');
    expect((await core.queue.list())[0]!.paramsHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describeWith(ffmpegNeed, 'spend notifications per user', () => {
  it('notifies once when a user\'s spend through the queue crosses a plan threshold', async () => {
    const provider = new ScriptedProvider('runway', clip, 600);
    const { core } = await setup('sqlite', { provider, credits: 5000 });
    const crossed: unknown[] = [];
    core.events.subscribe((name, p) => name === 'credits.thresholdCrossed' && crossed.push(p));
    // gen4.5 10 s × 5 variations = 600 reserved; the provider bills 600 per task.
    for (const seed of [1, 2]) {
      const r = await core.queue.submit(submitRequest({ params: params({ seed, durationSec: 10, variations: 1 }), projectName: 'Spot', userId: 'mara' }));
      await settle(core, r.jobId);
    }
    expect(crossed).toEqual([expect.objectContaining({ userId: 'mara', threshold: 1000 })]);
  });
});

describeWith(ffmpegNeed, 'a slot handed on in the commit that ends its job (SQLite group commit)', () => {
  it("claims the next job in the same commit as the one before's take and capture, and runs each job once, in order", async () => {
    const provider = new ScriptedProvider('runway', clip, 25);
    provider.fallback = { kind: 'ok', statuses: ['SUCCEEDED'] };
    const { core } = await setup('sqlite', { provider, start: false });
    const ids: string[] = [];
    for (const seed of [1, 2, 3]) ids.push((await core.queue.submit(submitRequest({ params: params({ seed }), projectName: 'Spot' }))).jobId);
    // What each group commit leaves, read inside it (riders run last in every group, before its COMMIT).
    const conn = core.db!.conn;
    const groups: Record<string, string>[] = [];
    const stop = core.db!.rideAlong(() => {
      const rows = conn.prepare(`SELECT id, status FROM jobs WHERE id IN (${ids.map(() => '?').join(', ')})`).all(...ids) as { id: string; status: string }[];
      groups.push(Object.fromEntries(rows.map((r) => [r.id, r.status])));
    });
    try {
      await core.queue.setPaused(true);
      await core.queue.start();
      await core.queue.refreshProviderLimits();
      for (const p of core.providers.keys()) core.gate.setProviderLimit(p, 1); // one slot
      await core.queue.setPaused(false);
      for (const id of ids) expect((await settle(core, id)).status).toBe('succeeded');
    } finally {
      stop();
    }
    // One slot: never two jobs running at once, and each job's end shares its commit with the next one's claim.
    for (const g of groups) expect(Object.values(g).filter((s) => s === 'running').length).toBeLessThanOrEqual(1);
    for (const [a, b] of [[ids[0]!, ids[1]!], [ids[1]!, ids[2]!]] as const) {
      const handOn = groups.findIndex((g) => g[a] === 'succeeded' && g[b] === 'running');
      expect(handOn).toBeGreaterThan(0);
      expect(groups[handOn - 1]).toMatchObject({ [a]: 'running', [b]: 'queued' });
    }
    expect(provider.creates.map((c) => c.params.seed)).toEqual([1, 2, 3]);
    expect((await core.ledger.audit()).ok).toBe(true);
  });
});
