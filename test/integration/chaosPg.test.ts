import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, expect, it } from 'vitest';
import type { Job } from '../../shared/contract/jobs';
import { expectReservationsResolved, openJobsReport } from '../chaos/chaosChecks';
import { chaosFaults, chaosJobs } from '../chaos/chaosPlan';
import { seeded } from '../fakeRunway/fakeFaults';
import { FakeRunway } from '../fakeRunway/fakeRunway';
import { maxInFlightByModel } from '../fakeRunway/fakeTasks';
import { needsOn, testCoreOn } from '../support/coreOn';
import { describeWith } from '../support/needs';
import { nodeArgs } from '../support/nodeEntry';

// Q5 / S13 on a studio's PostgreSQL: the chaos soak with TWO queue worker processes on one database (the
// shared queue, SharedRunner), either of them SIGKILLed at random and started again, against the fake
// Runway with random 429s, 5xxs, resets, hangs and FAILED tasks. A killed worker's jobs are taken over by
// the other when their leases (3 s) run out. After settling: every job terminal once (or UNKNOWN and
// listed), no duplicate task apart from the ambiguous creates, captured = billed, no terminal job holds a
// reservation, the books balance, and the fake never had more of the model's tasks in flight than the tier
// it reports allows (S11: the limit is shared through the database; with it switched off, this soak saw 10
// in flight against 2).
const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
const JOBS = Number(process.env.CHAOS_PG_JOBS ?? 40);
const KILLS = Number(process.env.CHAOS_PG_KILLS ?? 10);
const LIFE_MS = Number(process.env.CHAOS_LIFE_MS ?? 150);
/** The fake's tier: gen4.5 tasks in flight at once for the organization (the plan allows 8 per worker). */
const TIER = 2;
const MODEL = 'gen4.5';

describeWith(needsOn('postgres'), 'chaos on PostgreSQL: two workers, kill -9 under faults', () => {
  let fake: FakeRunway | undefined;
  const workers: (ChildProcess | undefined)[] = [undefined, undefined];
  const killAll = () => Promise.all(workers.map((c) => (c ? kill(c) : undefined)));
  afterAll(async () => {
    await killAll();
    await fake?.stop();
  });

  it(`settles ${JOBS} jobs across ${KILLS} SIGKILLs of either worker (seed ${SEED})`, { timeout: 240_000 }, async () => {
    console.log(`chaos pg seed ${SEED} (replay: CHAOS_SEED=${SEED})`);
    const began = Date.now();
    fake = await FakeRunway.start({
      // Tasks run long enough (0.7 s) that two workers unchecked would overlap more of them than the tier allows.
      timing: { pendingMs: 100, runningMs: 600 },
      creditBalance: 1_000_000,
      tier: { [MODEL]: { maxConcurrentGenerations: TIER, maxDailyGenerations: 100_000 } },
      chaos: chaosFaults(SEED),
      idleTimeoutMs: 300_000,
    });
    const t = await testCoreOn('postgres', { config: { pollIntervalMs: { runway: 15 } } });
    const { core, dataDir, databaseUrl } = t;
    try {
      // Submitted and acknowledged by this process; run by the worker process(es).
      const rnd = seeded(SEED);
      const ids = await chaosJobs(core, dataDir, JOBS, rnd, MODEL);

      // The same data dir (the prompt key) and the same studio database for both workers.
      const env = { ...process.env, CT_DATA_DIR: dataDir, CIRCLETAKE_DATABASE_URL: databaseUrl!, RUNWAYML_BASE_URL: fake.baseUrl, RUNWAYML_API_SECRET: fake.key };
      const startWorker = async (): Promise<ChildProcess> => {
        const c = spawn(process.execPath, nodeArgs('test/chaos/queueWorker.ts'), { env, stdio: ['ignore', 'pipe', 'inherit'] });
        const line = await new Promise<string>((resolve, reject) => {
          createInterface({ input: c.stdout! }).once('line', resolve);
          c.once('exit', (code, signal) => reject(new Error(`the queue worker exited before it started (${code ?? signal})`)));
        });
        expect(line).toBe('running');
        return c;
      };
      [workers[0], workers[1]] = await Promise.all([startWorker(), startWorker()]);

      const terminal = new Set(['succeeded', 'partial', 'failed', 'cancelled', 'unknown']);
      const jobsNow = () => Promise.all(ids.map((id) => core.queue.get(id)));
      const openNow = async () => Number((await core.engine.get<{ n: number }>(`SELECT count(*) AS n FROM jobs WHERE status NOT IN (${[...terminal].map(() => '?').join(',')})`, [...terminal]))!.n);
      // Every LIFE_MS–4×LIFE_MS after the last restart reported running, one of the two (at random) is
      // SIGKILLed and started again while the other works on: its jobs wait out their leases, then either
      // worker takes them back.
      const killedWith: { worker: number; open: number }[] = [];
      for (let k = 0; k < KILLS; k++) {
        await new Promise((r) => setTimeout(r, LIFE_MS + Math.floor(rnd() * LIFE_MS * 3)));
        const i = rnd() < 0.5 ? 0 : 1;
        killedWith.push({ worker: i, open: await openNow() });
        await kill(workers[i]!);
        workers[i] = await startWorker();
      }

      const deadline = Date.now() + 120_000;
      let open: Job[] = [];
      while (Date.now() < deadline) {
        open = (await jobsNow()).filter((j) => !terminal.has(j.status));
        if (open.length === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      if (open.length > 0) console.log('still open:', await openJobsReport(core, open.slice(0, 3).map((j) => j.id)));
      await killAll();
      // Let the fake finish every task it ever created, so its bill is final.
      await new Promise((r) => setTimeout(r, 400));

      const jobs = await jobsNow();
      const statuses = jobs.reduce<Record<string, number>>((m, j) => ({ ...m, [j.status]: (m[j.status] ?? 0) + 1 }), {});
      const stats = fake.stats();
      console.log(`chaos pg outcome: ${JSON.stringify(statuses)}; kills (worker:open jobs) ${killedWith.map((k) => `${k.worker}:${k.open}`).join(' ')}; fake ${JSON.stringify(stats)}; ${Date.now() - began} ms`);
      expect(jobs.filter((j) => !terminal.has(j.status))).toEqual([]);
      expect((await core.ledger.audit()).ok).toBe(true);

      await expectReservationsResolved(core, jobs);

      // Every task the fake created is one we recorded, except creates whose outcome we could not know.
      const q = core.engine;
      const known = new Set((await q.all<{ provider_job_id: string }>('SELECT provider_job_id FROM attempts WHERE provider_job_id IS NOT NULL')).map((r) => r.provider_job_id));
      const created = fake.tasks();
      const unrecorded = created.filter((task) => !known.has(task.id));
      const ambiguous = Number((await q.get<{ n: number }>("SELECT count(*) AS n FROM attempts WHERE status = 'unknown' OR provider_job_id IS NULL AND status NOT IN ('retry','fail','cache_hit')"))!.n);
      expect(unrecorded.length).toBeLessThanOrEqual(ambiguous);

      // What we captured is exactly what the fake billed for the tasks we know about.
      const captured = jobs.reduce((a, j) => a + (j.capturedCredits ?? 0), 0);
      const billedKnown = created.filter((task) => known.has(task.id)).reduce((a, task) => a + (fake!.billedFor(task.id) ?? 0), 0);
      const unknownJobs = jobs.filter((j) => j.status === 'unknown').map((j) => j.id);
      const billedToUnknownJobs = unknownJobs.length === 0 ? 0 : (await q.all<{ provider_job_id: string }>(`SELECT provider_job_id FROM attempts WHERE provider_job_id IS NOT NULL AND job_id IN (${unknownJobs.map(() => '?').join(',')})`, unknownJobs))
        .reduce((a, r) => a + (fake!.billedFor(r.provider_job_id) ?? 0), 0);
      expect(captured).toBe(billedKnown - billedToUnknownJobs);

      // S11: the tier's concurrency held across both workers and every kill. The tasks the queue tracked
      // (recorded, not given up as unknown) never overlapped beyond the limit; a create whose outcome was
      // unknown frees its slot while the fake may still run the task, so those may add at most one each.
      const givenUp = new Set((await q.all<{ id: string }>("SELECT provider_task_id AS id FROM job_tasks WHERE status = 'unknown' AND provider_task_id IS NOT NULL")).map((r) => r.id));
      const tracked = created.filter((task) => known.has(task.id) && !givenUp.has(task.id));
      const trackedMax = maxInFlightByModel(tracked, Date.now())[MODEL] ?? 0;
      console.log(`chaos pg in flight: tracked ${trackedMax}, all ${stats.maxInFlightByModel[MODEL]}, tier ${TIER}; untracked tasks ${created.length - tracked.length}`);
      expect(trackedMax).toBeGreaterThan(0);
      expect(trackedMax).toBeLessThanOrEqual(TIER);
      expect(stats.maxInFlightByModel[MODEL]!).toBeLessThanOrEqual(TIER + created.length - tracked.length);
    } finally {
      await killAll();
      await t.cleanup();
    }
  });
});

function kill(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  });
}
