// npm run bench limits — what an admission against the shared tier limits (electron/core/queue/sharedLimits.ts)
// adds to the transaction that writes a task's intent row. One "intent" = insert the task's 'intent' row
// and move the worker's task from 4 intents ago on (so each model keeps a handful in flight, as a real
// queue does). Measured with and without `admit` (bucket + model slot, limits never reached) in the same
// process: SQLite (WAL, synchronous=FULL, the engine's group commit) and PostgreSQL (READ COMMITTED, rows
// locked), 1 worker and 8 workers at once on one provider and model — where every admission queues
// behind the bucket row, which is the point of sharing it. Admitting first holds that lock while the
// intent is written; admitting last (after the intent row, which `taskKey` keeps out of the count)
// holds it only until COMMIT.
import { Db } from '../electron/core/db/db';
import { PgEngine } from '../electron/core/db/engine/pgEngine';
import type { Queryable, SqlEngine } from '../electron/core/db/engine/sqlEngine';
import { migratePg } from '../electron/core/db/pg/pgMigrate';
import { admit } from '../electron/core/queue/sharedLimits';
import { limitsJob, limitsSeed } from '../test/support/limitsKit';
import { createDatabase, startBenchCluster } from '../test/support/pgCluster';
import { tempDir } from '../test/support/tmp';
import { measure, printRatio } from './support';

const INTENTS = 400;
const IN_FLIGHT = 4;
const NOW = 1_790_000_000_000;
let round = 0;

async function intent(q: Queryable, jobId: string, n: number): Promise<void> {
  await q.run("INSERT INTO job_tasks (job_id, n, status, intent_at) VALUES (?, ?, 'intent', ?)", [jobId, n, NOW]);
  if (n >= IN_FLIGHT) await q.run("UPDATE job_tasks SET status = 'succeeded' WHERE job_id = ? AND n = ?", [jobId, n - IN_FLIGHT]);
}

const admitTask = async (q: Queryable, jobId: string, n: number) => {
  const r = await admit(q, { provider: 'runway', model: 'gen4_turbo', now: NOW, perMinute: 1_000_000, burst: 1_000_000, maxConcurrent: 1_000_000, taskKey: { jobId, n } });
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
};

/** Admit first, then the intent: the limit rows stay locked while the intent is written and committed. */
async function admitFirst(q: Queryable, jobId: string, n: number): Promise<void> {
  await admitTask(q, jobId, n);
  await intent(q, jobId, n);
}

/** The intent first, admit last (the task's own row excluded from the count): the locks are held only to COMMIT. */
async function admitLast(q: Queryable, jobId: string, n: number): Promise<void> {
  await intent(q, jobId, n);
  await admitTask(q, jobId, n);
}

async function compare(engine: SqlEngine, label: string): Promise<void> {
  await limitsSeed(engine);
  for (const workers of [1, 8]) {
    const each = Math.floor(INTENTS / workers);
    // The jobs the runs will write into, made beforehand (4 runs of each variant: warm-up + 3).
    const first = round + 1;
    for (let r = first; r < first + 12; r++) for (let w = 0; w < workers; w++) await limitsJob(engine, `job_b${r}_${w}`);
    const run = (body: (q: Queryable, jobId: string, n: number) => Promise<void>) => async () => {
      const r = ++round;
      await Promise.all(
        Array.from({ length: workers }, async (_, w) => {
          for (let n = 0; n < each; n++) await engine.tx((q) => body(q, `job_b${r}_${w}`, n), { isolation: 'lockRows', retries: 30 });
        }),
      );
      return each * workers;
    };
    const bare = await measure(`${label}: intent alone, ${workers} worker(s)`, 'intents/s', run(intent), { runs: 3 });
    const firstAdmit = await measure(`${label}: admit, then intent, ${workers} worker(s)`, 'intents/s', run(admitFirst), { runs: 3 });
    const lastAdmit = await measure(`${label}: intent, then admit, ${workers} worker(s)`, 'intents/s', run(admitLast), { runs: 3 });
    console.log(`${label}, ${workers} worker(s) on one provider and model`);
    printRatio(firstAdmit, bare);
    printRatio(lastAdmit, bare);
  }
}

export default async function bench(): Promise<void> {
  const tmp = tempDir('ct-bench-limits-');
  const db = Db.open({ file: `${tmp.dir}/c.db`, logger: { log() {} }, clock: { now: () => Date.now() } });
  await compare(db.engine, 'SQLite');
  db.dispose();
  tmp.cleanup();

  const cluster = await startBenchCluster();
  if (!cluster) return;
  try {
    const database = await createDatabase(cluster.adminUrl, 'ct_bench_limits');
    const engine = new PgEngine({ url: database.url, max: 8 });
    await migratePg(engine);
    await compare(engine, 'PostgreSQL');
    console.log(`  retries: ${JSON.stringify(engine.stats)}`);
    await engine.close();
    await database.drop();
  } finally {
    await cluster.stop();
  }
}
