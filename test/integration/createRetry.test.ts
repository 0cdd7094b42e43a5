import { afterEach, expect, it } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import { RunwayProvider } from '../../electron/core/providers/runway';
import { describeWith } from '../support/needs';
import { ENGINES, needsOn, testCoreOn, type EngineName } from '../support/coreOn';
import type { Fault } from '../fakeRunway/fakeFaults';
import { FakeRunway } from '../fakeRunway/fakeRunway';
import { submitRequest } from '../support/parsed';

// C1 through the production path: the queue's JobRunner with the real SDK-backed Runway provider
// against the fake Runway. What a create's answer proves decides: nothing created (429, 503, a
// connection never made) → retried under the plan's backoff, Retry-After honoured, same job and
// reservation, exactly one task in the end; outcome unknown (500, 502, 504, reset or timeout after
// sending) → UNKNOWN with the reservation held, never a second POST.
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(engine: EngineName) {
  const fake = await FakeRunway.start({ fast: true });
  const provider = new RunwayProvider({
    keySource: { getKey: async () => fake.key },
    baseURL: fake.baseUrl,
    logger: { log: () => undefined },
    clock: { now: () => Date.now() },
    createTimeoutMs: 600,
  });
  const t = await testCoreOn(engine, { config: { providerOverrides: [provider], pollIntervalMs: { runway: 10 } } });
  cleanups.push(async () => {
    await t.cleanup();
    await fake.stop();
  });
  await t.core.ledger.purchase({ id: 'buy', surface: 'api', credits: 5000 });
  return { core: t.core, fake };
}

async function settle(core: Core, id: string) {
  for (let i = 0; i < 1500; i++) {
    const j = await core.queue.get(id);
    if (!['queued', 'running', 'paused'].includes(j.status)) {
      await core.queue.idle();
      await core.takeChecks.idle();
      return await core.queue.get(id);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${id} did not settle: ${JSON.stringify(await core.queue.get(id))}`);
}

const submit = (core: Core) =>
  core.queue.submit(submitRequest({ params: { provider: 'runway', model: 'gen4.5', durationSec: 2, ratio: '1280:720', prompt: 'gulls circle a trawler at dusk' }, projectName: 'Harbour' }));

const attemptsOf = (core: Core, jobId: string) => core.engine.all<{ status: string; error_code: string | null }>('SELECT status, error_code FROM attempts WHERE job_id = ? ORDER BY id', [jobId]);

type RetryRow = { name: string; fault: Fault; waitMs: number };
const nothingCreated: RetryRow[] = [
  { name: '429 with retry-after-ms', fault: { kind: 'status', status: 429, retryAfterMs: 400 }, waitMs: 400 },
  { name: '429 at the daily cap, no Retry-After', fault: { kind: 'status', status: 429, error: 'You have reached the daily generation limit' }, waitMs: 0 },
  { name: '503 Runway shedding load, Retry-After 1 s', fault: { kind: 'status', status: 503, retryAfter: '1' }, waitMs: 1000 },
];

// On both engines: the queue's intents, attempts and reservations on SQLite or PostgreSQL.
for (const engine of ENGINES) describeWith(needsOn(engine), `create retries follow what the answer proves (C1, Q4), through the JobRunner · ${engine}`, () => {
  it.each(nothingCreated)('$name → retried after Retry-After, same job and reservation, exactly one task', async ({ fault, waitMs }) => {
    const { core, fake } = await setup(engine);
    fake.inject({ route: 'create', fault });
    await core.queue.start();
    const r = await submit(core);
    const job = await settle(core, r.jobId);
    expect(job.status).toBe('succeeded');
    expect(fake.stats()).toMatchObject({ createPosts: 2, tasksCreated: 1 });
    const creates = fake.requests.filter((q) => q.route === 'create');
    expect(creates[1]!.at - creates[0]!.at).toBeGreaterThanOrEqual(waitMs);
    expect((await attemptsOf(core, r.jobId)).map((a) => a.status)).toEqual(['retry', 'ok']);
    const reservations = await core.ledger.reservationsForJob(r.jobId);
    expect(reservations).toHaveLength(1);
    expect(reservations[0]).toMatchObject({ state: 'captured', captured: fake.stats().billedCredits });
    expect(await core.ledger.audit()).toMatchObject({ ok: true });
  });

  it('connection refused (never sent) → retried once Runway listens again, exactly one task', async () => {
    const { core, fake } = await setup(engine);
    await fake.suspend();
    await core.queue.start();
    const r = await submit(core);
    // SQLite's only worker tries on the plan's limits (a refused create, retried); a shared queue's worker on
    // PostgreSQL makes no create until it has read Runway's tier: there, the job taken and waiting is enough.
    const isWaiting = async () =>
      engine === 'sqlite' ? (await attemptsOf(core, r.jobId)).some((a) => a.status === 'retry') : (await core.queue.get(r.jobId)).status === 'running';
    for (let i = 0; i < 500 && !(await isWaiting()); i++) await new Promise((res) => setTimeout(res, 10));
    expect((await core.queue.get(r.jobId)).status).not.toBe('unknown');
    await fake.resume();
    const job = await settle(core, r.jobId);
    expect(job.status).toBe('succeeded');
    expect(fake.stats()).toMatchObject({ createPosts: 1, tasksCreated: 1 });
    const attempts = await attemptsOf(core, r.jobId);
    expect(attempts.at(-1)!.status).toBe('ok');
    expect(attempts.slice(0, -1).every((a) => a.status === 'retry')).toBe(true);
    expect(await core.ledger.reservationsForJob(r.jobId)).toHaveLength(1);
    expect(await core.ledger.audit()).toMatchObject({ ok: true });
  });

  type UnknownRow = { name: string; fault: Fault; created: 0 | 1 };
  const unknownRows: UnknownRow[] = [
    { name: '500 after the task was made', fault: { kind: 'status', status: 500, after: true }, created: 1 },
    { name: '502 after the task was made', fault: { kind: 'status', status: 502, after: true }, created: 1 },
    { name: '504 after the task was made', fault: { kind: 'status', status: 504, after: true }, created: 1 },
    { name: '502 before processing (the client cannot tell)', fault: { kind: 'status', status: 502 }, created: 0 },
    { name: 'connection reset after sending', fault: { kind: 'reset', after: true }, created: 1 },
    { name: 'no answer before the timeout, after sending', fault: { kind: 'hang', after: true }, created: 1 },
  ];

  it.each(unknownRows)('$name → UNKNOWN, reservation held, one POST', async ({ fault, created }) => {
    const { core, fake } = await setup(engine);
    fake.inject({ route: 'create', fault });
    await core.queue.start();
    const r = await submit(core);
    const job = await settle(core, r.jobId);
    expect(job.status).toBe('unknown');
    expect(fake.stats()).toMatchObject({ createPosts: 1, tasksCreated: created });
    expect((await attemptsOf(core, r.jobId)).map((a) => a.status)).toEqual(['unknown']);
    expect(await core.ledger.reservationForJob(r.jobId)).toMatchObject({ state: 'pending', reserved: job.reservedCredits });
    expect(await core.ledger.audit()).toMatchObject({ ok: true });
  });
});
