import { execFile } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import { RunwayProvider } from '../../electron/core/providers/runway';
import type { ProviderComparison } from '../../shared/money/providerBooks';
import { FakeClock } from '../support/core';
import { ENGINES, studioDatabase, testCoreOn, type EngineName } from '../support/coreOn';
import { anotherPgEngine, pgNeed } from '../support/engines';
import { describeWith, itWith, ffmpegNeed } from '../support/needs';
import { tempDir } from '../support/tmp';
import { FakeRunway, type FakeRunwayOptions } from '../fakeRunway/fakeRunway';
import { submitRequest } from '../support/parsed';

// Runway's balance is the API pool's truth (issue 13, item 1), against the fake Runway with the real
// SDK: read at start, before a stale submit and after each settle; mirrored by provider_sync entries
// (from → to, never an edit); spend elsewhere shows as drift and is explained; a submit Runway cannot
// pay is refused before any create; the usage endpoint is reconciled per model and day. On both engines
// (the CLI given --database-url on PostgreSQL, as a studio member runs it).
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(engine: EngineName, o: { fake?: FakeRunwayOptions; clock?: FakeClock } = {}) {
  const fake = await FakeRunway.start({ fast: true, creditBalance: 10_000, ...o.fake });
  cleanups.push(() => fake.stop());
  const keys = { getKey: async () => fake.key };
  const provider = new RunwayProvider({ keySource: keys, baseURL: fake.baseUrl, logger: { log: () => undefined }, clock: { now: () => Date.now() } });
  // A real clock (the fake Runway dates usage by it) unless the test moves time itself.
  const t = await testCoreOn(engine, { clock: o.clock ?? { now: () => Date.now() }, config: { providerOverrides: [provider], runwayKeys: keys, pollIntervalMs: { runway: 10 } } });
  cleanups.push(t.cleanup);
  return { core: t.core, fake, dataDir: t.dataDir };
}

async function until<T>(what: string, fn: () => T | null | undefined | false | Promise<T | null | undefined | false>): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function settle(core: Core, id: string) {
  const j = await until('the job to settle', async () => {
    const job = await core.queue.get(id);
    return ['queued', 'running', 'paused'].includes(job.status) ? null : job;
  });
  await core.queue.idle();
  await core.takeChecks.idle();
  return j;
}

const api = async (core: Core) => (await core.ledger.balances()).surfaces.find((s) => s.surface === 'api') ?? { posted: 0, reserved: 0, available: 0 };
const syncs = async (core: Core) => await core.ledger.history({ kind: 'provider_sync' });
const submit = (core: Core, durationSec = 2, prompt = 'a heron lifts off a canal') =>
  core.queue.submit(submitRequest({ params: { provider: 'runway', model: 'gen4.5', durationSec, ratio: '1280:720', prompt }, projectName: 'Canal' }));

for (const engine of ENGINES) describeWith(engine === 'postgres' ? [pgNeed] : [], `Runway balance → the books · ${engine}`, () => {
  it('is read at start and mirrored as one provider_sync entry; an identical reading changes nothing', async () => {
    const { core } = await setup(engine);
    expect((await api(core)).posted).toBe(0);
    await core.queue.start();
    const c = await until('the start reading', () => core.providerSync!.comparison());
    expect(c).toMatchObject({ why: 'start', providerCredits: 10_000, booksCredits: 10_000, drift: 10_000, mirrored: 10_000, outstanding: 0, pool: 'api:purchased' });
    expect(c.explanation).toMatch(/^added at Runway: 10000 credits .*mirrored into the books/);
    expect(await syncs(core)).toMatchObject([{ kind: 'provider_sync', pool: 'api:purchased', credits: 10_000, reason: expect.stringMatching(/^provider_sync runway: 0 → 10000 \(read /) }]);
    expect(await api(core)).toMatchObject({ posted: 10_000, available: 10_000 });
    // A second reading: in step, nothing written. The same reading replayed: nothing written either.
    const again = await core.providerSync!.refresh('manual', 0);
    expect(again).toMatchObject({ drift: 0, mirrored: 0, explanation: 'in step with Runway' });
    const replay = await core.ledger.providerSync({ id: `provider_sync:runway:${c.readAt}:10000`, provider: 'runway', surface: 'api', credits: 10_000, readAt: c.readAt }, { sinceEntry: await core.ledger.lastEntry(), isQuiet: () => true });
    expect(replay).toMatchObject({ replayed: true, mirrored: 10_000 });
    expect(await syncs(core)).toHaveLength(1);
    // The contract door answers the provider's figure beside the books'.
    const r = await core.dispatch('credits.balances', {}, { role: 'owner', door: 'host' });
    expect(r).toMatchObject({ ok: true, value: { provider: { providerCredits: 10_000, booksCredits: 10_000, drift: 0 } } });
    expect(await core.ledger.audit()).toMatchObject({ ok: true });
  });

  itWith(ffmpegNeed, 'after a job settles it is read again: the books and Runway agree, captured = billed', async () => {
    const { core, fake } = await setup(engine);
    await core.queue.start();
    await until('the start reading', () => core.providerSync!.comparison());
    const r = await submit(core);
    const job = await settle(core, r.jobId);
    expect(job.status).toBe('succeeded');
    const c = await until('the reading after settle', async () => {
      const x = await core.providerSync!.comparison();
      return x?.why === 'settle' ? x : null;
    });
    const billed = fake.stats().billedCredits;
    expect(job.capturedCredits).toBe(billed);
    expect(c).toMatchObject({ providerCredits: 10_000 - billed, booksCredits: 10_000 - billed, drift: 0, heldAtProvider: 0 });
    expect((await api(core)).posted).toBe(fake.stats().creditBalance);
    expect(await syncs(core)).toHaveLength(1);
    expect(await core.ledger.audit()).toMatchObject({ ok: true });
  });

  itWith(ffmpegNeed, 'shows spend elsewhere as drift, explains it, mirrors it, and lists the usage mismatch in the audit', async () => {
    const { core, fake } = await setup(engine);
    await core.queue.start();
    await until('the start reading', () => core.providerSync!.comparison());
    const job = await settle(core, (await submit(core)).jobId);
    await until('the reading after settle', async () => (await core.providerSync!.comparison())?.why === 'settle');
    const ours = job.capturedCredits!;
    fake.spendElsewhere(500, 'gen4.5');
    fake.spendElsewhere(120, 'veo3.1');
    const c = await core.providerSync!.refresh('manual', 0);
    expect(c).toMatchObject({ drift: -620, mirrored: -620, outstanding: 0, providerCredits: 10_000 - ours - 620 });
    expect(c!.explanation).toMatch(/^spent elsewhere: 620 credits left Runway's balance outside this app .*mirrored into the books/);
    expect((await syncs(core)).map((e) => e.credits)).toEqual([-620, 10_000]);
    expect((await api(core)).posted).toBe(fake.stats().creditBalance);
    const audit = await core.dispatch('credits.audit', {}, { role: 'owner', door: 'host' });
    if (!audit.ok) throw new Error(audit.error.message);
    const value = audit.value as { ok: boolean; usage: { mismatches: { model: string; providerCredits: number; booksCredits: number; explanation: string }[]; error: string | null } };
    expect(value.ok).toBe(true);
    expect(value.usage.error).toBeNull();
    expect(value.usage.mismatches).toEqual([
      { date: expect.any(String), model: 'gen4.5', providerCredits: ours + 500, booksCredits: ours, explanation: expect.stringMatching(/^Runway used 500 more credits on gen4\.5 .*spent elsewhere/) },
      { date: expect.any(String), model: 'veo3.1', providerCredits: 120, booksCredits: 0, explanation: expect.stringMatching(/spent elsewhere/) },
    ]);
  });

  it('refuses a submit Runway cannot pay (its balance less what this app holds) before any create, naming the pool', async () => {
    const clock = new FakeClock(Date.now());
    // Tasks stay PENDING for a while: the first job is in flight when the second is submitted, so the
    // reading cannot be mirrored (not quiet) and only the provider check stands between it and Runway.
    const { core, fake } = await setup(engine, { clock, fake: { timing: { pendingMs: 60_000, runningMs: 1000 } } });
    await core.queue.start();
    await until('the start reading', () => core.providerSync!.comparison());
    const first = await submit(core, 5);
    await until('the first task at Runway', () => fake.stats().tasksCreated === 1);
    fake.spendElsewhere(9_900);
    const history = (await core.ledger.history()).length;
    clock.advance(61_000); // the reading is now stale: the submit reads Runway again first
    const refused = await submit(core, 5, 'the heron lands on a barge').catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'INSUFFICIENT_CREDITS', details: { rule: 'provider_balance', pool: 'api:purchased', needed: 60, providerCredits: 40, reserved: 60 } });
    expect((refused as Error).message).toMatch(/^Not enough credits in api:purchased: Runway's balance is 40 .* this app holds 60 reserved/);
    const c = (await core.providerSync!.comparison()) as ProviderComparison;
    expect(c).toMatchObject({ why: 'submit', providerCredits: 40, heldAtProvider: 60, drift: -9_900, mirrored: 0, outstanding: -9_900 });
    expect(c.explanation).toMatch(/spent elsewhere: 9900 credits .*not mirrored while 1 task is in flight/);
    expect(fake.stats()).toMatchObject({ createPosts: 1, tasksCreated: 1 });
    expect((await core.queue.list()).map((j) => j.id)).toEqual([first.jobId]);
    expect(await core.ledger.history()).toHaveLength(history);
    expect(await core.ledger.audit()).toMatchObject({ ok: true });
  });
});

for (const engine of ENGINES) describeWith(engine === 'postgres' ? [pgNeed] : [], `circletake ledger balance / audit with a Runway key · ${engine}`, () => {
  it('show the provider figure, the books, the drift and when; audit lists a usage mismatch (exit 0 while the books balance)', async () => {
    const fake = await FakeRunway.start({ fast: true, creditBalance: 3_000 });
    cleanups.push(() => fake.stop());
    const d = tempDir('ct-provider-cli-');
    cleanups.push(() => d.cleanup());
    const env = { ...process.env, RUNWAYML_API_SECRET: fake.key, RUNWAYML_BASE_URL: fake.baseUrl };
    const url = engine === 'postgres' ? await studioDatabase() : null;
    const where = url ? ['--database-url', url] : [];
    // Not spawnSync: the fake Runway answers from this process's event loop.
    const cli = (...args: string[]) =>
      new Promise<{ status: number; stdout: string }>((resolve) =>
        execFile(process.execPath, ['bin/circletake.js', ...args, '--data-dir', d.dir, ...where], { encoding: 'utf8', timeout: 60_000, env }, (err, stdout) => resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout })),
      );
    const b = await cli('ledger', 'balance', '--json');
    expect(b.status).toBe(0);
    const bal = JSON.parse(b.stdout) as { pools: { pool: string; posted: number }[]; provider: ProviderComparison };
    expect(bal.provider).toMatchObject({ provider: 'runway', providerCredits: 3_000, booksCredits: 3_000, drift: 3_000, mirrored: 3_000, comparedAt: expect.any(String) });
    expect(bal.pools.find((p) => p.pool === 'api:purchased')).toMatchObject({ posted: 3_000 });
    // On PostgreSQL the mirrored reading is in the studio database (the CLI did not open a file of its own).
    if (url) expect(await anotherPgEngine(url).get("SELECT count(*) AS n FROM ledger_ops WHERE kind = 'provider_sync'")).toEqual({ n: 1 });
    fake.spendElsewhere(250, 'gen4_turbo');
    const text = await cli('ledger', 'balance');
    expect(text.stdout).toMatch(/runway \(api:purchased\): provider 2750 {2}books 2750 {2}drift -250 \(-250 mirrored\) {2}compared /);
    expect(text.stdout).toMatch(/spent elsewhere: 250 credits/);
    const audit = await cli('ledger', 'audit');
    expect(audit.status).toBe(0);
    expect(audit.stdout).toMatch(/^books balance: /);
    expect(audit.stdout).toMatch(/USAGE MISMATCH \d{4}-\d{2}-\d{2} gen4_turbo: runway 250, books 0 — Runway used 250 more credits/);
  });
});
