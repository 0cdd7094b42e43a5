import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, expect, it } from 'vitest';
import {} from '../support/clips';
import { expectReservationsResolved } from '../chaos/chaosChecks';
import { chaosFaults, chaosJobs } from '../chaos/chaosPlan';
import { testCore } from '../support/core';
import { FakeRunway } from '../fakeRunway/fakeRunway';
import { seeded } from '../fakeRunway/fakeFaults';
import { describeWith, ffmpegNeed } from '../support/needs';
import { nodeArgs } from '../support/nodeEntry';

// Q5: 100 jobs against the fake Runway with random 429s, 5xxs, resets, hangs and FAILED tasks, while
// the queue's process is SIGKILLed again and again (50 times by default; first 3 lives with the breaker
// forced open, C4). After settling: every job terminal (or UNKNOWN and
// listed), no duplicate task apart from the ambiguous creates, captured = billed, no terminal job holds
// a reservation, the books balance and the database is intact.
const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
const JOBS = Number(process.env.CHAOS_JOBS ?? 100);
const KILLS = Number(process.env.CHAOS_KILLS ?? 50);
// Each life of the worker lasts 150–600 ms after it reports running: long enough to claim, create and
// settle some jobs, short enough that most kills land with creates and settlements in flight.
const LIFE_MS = Number(process.env.CHAOS_LIFE_MS ?? 150);

describeWith(ffmpegNeed, 'chaos: kill -9 under faults', () => {
  let fake: FakeRunway | undefined;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    child?.kill('SIGKILL');
    await fake?.stop();
  });

  it(`settles ${JOBS} jobs across ${KILLS} SIGKILLs (seed ${SEED})`, { timeout: 420_000 }, async () => {
    console.log(`chaos seed ${SEED} (replay: CHAOS_SEED=${SEED})`);
    fake = await FakeRunway.start({
      fast: true,
      creditBalance: 1_000_000,
      tier: { 'gen4.5': { maxConcurrentGenerations: 4, maxDailyGenerations: 100_000 } },
      chaos: chaosFaults(SEED),
      idleTimeoutMs: 300_000,
    });
    const t = testCore({ config: { pollIntervalMs: { runway: 15 } } });
    const { core, dataDir } = t;
    // Submitted and acknowledged by this process; run by the worker process(es).
    const rnd = seeded(SEED);
    const ids = await chaosJobs(core, dataDir, JOBS, rnd);

    const env = { ...process.env, CT_DATA_DIR: dataDir, RUNWAYML_BASE_URL: fake.baseUrl, RUNWAYML_API_SECRET: fake.key };
    const startWorker = async (extra: Record<string, string> = {}): Promise<ChildProcess> => {
      const c = spawn(process.execPath, nodeArgs('test/chaos/queueWorker.ts'), { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'inherit'] });
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: c.stdout! }).once('line', resolve);
        c.once('exit', (code, signal) => reject(new Error(`the queue worker exited before it started (${code ?? signal})`)));
      });
      expect(line).toBe('running');
      return c;
    };
    const kill = (c: ChildProcess) =>
      new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGKILL');
      });
    const integrity = () => core.db.conn.pragma('integrity_check', { simple: true });

    // C4: backpressure holds jobs, not money. With the breaker forced open, workers come and go (killed
    // mid-life): nothing is created, no job fails or is refunded, every reservation stays held.
    for (let k = 0; k < 3; k++) {
      child = await startWorker({ CT_BREAKER_OPEN: 'runway' });
      await new Promise((r) => setTimeout(r, 300 + Math.floor(rnd() * 300)));
      await kill(child);
    }
    expect(fake.stats().createPosts).toBe(0);
    for (const id of ids) {
      expect(['queued', 'running']).toContain((await core.queue.get(id)).status);
      expect((await core.ledger.reservationsForJob(id)).map((r) => r.state)).toEqual(['pending']);
    }
    expect((await core.ledger.audit()).ok).toBe(true);

    for (let k = 0; k < KILLS; k++) {
      child = await startWorker();
      await new Promise((r) => setTimeout(r, LIFE_MS + Math.floor(rnd() * LIFE_MS * 3)));
      await kill(child);
      expect(integrity()).toBe('ok');
    }
    child = await startWorker();
    const terminal = new Set(['succeeded', 'partial', 'failed', 'cancelled', 'unknown']);
    const deadline = Date.now() + 150_000;
    let open: string[] = ids;
    while (Date.now() < deadline) {
      open = (await Promise.all(ids.map((id) => core.queue.get(id)))).filter((j) => !terminal.has(j.status)).map((j) => j.id);
      if (open.length === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (open.length > 0) console.log('still open:', JSON.stringify(await Promise.all(open.slice(0, 3).map((id) => core.queue.get(id))), null, 1));
    await kill(child);
    // Let the fake finish every task it ever created, so its bill is final.
    await new Promise((r) => setTimeout(r, 400));

    const jobs = await Promise.all(ids.map((id) => core.queue.get(id)));
    const statuses = jobs.reduce<Record<string, number>>((m, j) => ({ ...m, [j.status]: (m[j.status] ?? 0) + 1 }), {});
    console.log(`chaos outcome: ${JSON.stringify(statuses)}; fake ${JSON.stringify(fake.stats())}`);
    expect(jobs.filter((j) => !terminal.has(j.status))).toEqual([]);
    expect(integrity()).toBe('ok');
    expect((await core.ledger.audit()).ok).toBe(true);

    await expectReservationsResolved(core, jobs);

    // Every task the fake created is one we recorded, except creates whose outcome we could not know.
    const known = new Set(
      (core.db.conn.prepare('SELECT provider_job_id FROM attempts WHERE provider_job_id IS NOT NULL').all() as { provider_job_id: string }[]).map((r) => r.provider_job_id),
    );
    const created = fake.tasks();
    const unrecorded = created.filter((task) => !known.has(task.id));
    const ambiguous = (core.db.conn.prepare("SELECT count(*) AS n FROM attempts WHERE status = 'unknown' OR provider_job_id IS NULL AND status NOT IN ('retry','fail','cache_hit')").get() as { n: number }).n;
    expect(unrecorded.length).toBeLessThanOrEqual(ambiguous);

    // What we captured is exactly what the fake billed for the tasks we know about.
    const captured = jobs.reduce((a, j) => a + (j.capturedCredits ?? 0), 0);
    const billedKnown = created.filter((task) => known.has(task.id)).reduce((a, task) => a + (fake!.billedFor(task.id) ?? 0), 0);
    const unknownJobs = jobs.filter((j) => j.status === 'unknown').map((j) => j.id);
    const billedToUnknownJobs = (core.db.conn.prepare(`SELECT provider_job_id FROM attempts WHERE provider_job_id IS NOT NULL AND job_id IN (${unknownJobs.map(() => '?').join(',') || "''"})`).all(...unknownJobs) as { provider_job_id: string }[])
      .reduce((a, r) => a + (fake!.billedFor(r.provider_job_id) ?? 0), 0);
    expect(captured).toBe(billedKnown - billedToUnknownJobs);
    await t.cleanup();
  });
});
