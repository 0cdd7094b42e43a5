/**
 * Queue overhead: jobs/s through submit → settle with ledger writes, using a zero-latency provider,
 * side by side (same process, same disk, WAL + synchronous=FULL everywhere) with:
 *  - a bare better-sqlite3 baseline (one txn enqueues with a 2-row reservation; claim txn; complete txn
 *    with 2 ledger rows) — the floor a per-job transaction design can reach here;
 *  - plainjob (better-sqlite3 queue library);
 *  - liteque — attempted; it does not run on better-sqlite3 ≥ 11.10 (see docs/perf.md), and the
 *    bench says so when it throws.
 * The queue stores takes through a no-op media port here: storing and probing clips is media's cost,
 * measured by the check bench, not queue overhead.
 */
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../electron/core/createCore';
import { createIds, silentLogger, systemClock } from '../electron/core/nodePorts';
import type { Provider, TaskState } from '../electron/core/providers/provider';
import { JobQueue } from '../electron/core/queue/jobQueue';
import { ResilienceGate } from '../electron/core/queue/providerGate';
import { QueueLock } from '../electron/core/queue/queueLock';
import { queueMoney } from '../electron/core/queue/queueWiring';
import { PromptVault } from '../electron/core/security/promptVault';
import { FileKeys } from '../electron/core/security/fileKeys';
import { fmt } from './support';

const N = Number(process.env.QUEUE_BENCH_JOBS ?? 400);

function zeroLatencyProvider(): Provider {
  let seq = 0;
  return {
    id: 'local',
    isSimulation: true,
    validate: () => undefined,
    create: async () => ({ taskId: `t-${++seq}`, estimatedCredits: 25 }),
    get: async (): Promise<TaskState> => ({ status: 'SUCCEEDED', outputs: ['zero://out'], costCredits: 25 }),
    cancel: async () => undefined,
    download: async (_o, dest) => writeFileSync(dest, 'x'),
    dispose: () => undefined,
  };
}

async function ourQueue(dir: string): Promise<number> {
  const ports = { clock: systemClock, ids: createIds(systemClock), logger: silentLogger, notifier: { notify: () => undefined } };
  const core = createCore({ dataDir: dir, appVersion: 'bench', isStrict: false }, ports);
  const plan = readFileSync(join(process.cwd(), 'resources', 'plans', 'runway-api.yaml'), 'utf8')
    .replace(/name: runway-api\n/, 'name: bench\n')
    .replace(/\n\s*default: true/, '')
    .replace(/requests_per_minute: \d+/, 'requests_per_minute: 10000000')
    .replace(/burst: \d+/, 'burst: 100000')
    .replace(/max_concurrent_jobs: \d+/, 'max_concurrent_jobs: 8')
    .replace(/concurrency:\n  start: \d+\n  max: \d+/, 'concurrency:\n  start: 8\n  max: 8');
  mkdirSync(join(dir, 'plans'), { recursive: true });
  writeFileSync(join(dir, 'plans', 'bench.yaml'), plan);
  core.money.reload();
  core.money.activate('bench');
  const provider = zeroLatencyProvider();
  let n = 0;
  const queue = new JobQueue({
    db: core.db,
    projects: core.projects,
    shots: core.shots,
    takes: core.takes,
    providers: new Map([['local', provider]]),
    money: queueMoney(core.money, core.ledger, core.plans),
    media: {
      tempDir: () => join(dir, 'tmp'),
      storeOutput: async () => ({ artifactId: `art_bench${++n}`, path: '', durationSec: 5, width: 1280, height: 720 }),
    },
    vault: new PromptVault(new FileKeys(dir)),
    gate: new ResilienceGate({ clock: systemClock, plan: () => core.plans.active().plan }),
    events: core.events,
    clock: systemClock,
    ids: ports.ids,
    logger: silentLogger,
    backoff: () => 10,
    pollIntervalMs: () => 0,
    onTakeStored: () => undefined,
    lock: new QueueLock(join(dir, 'bench-lock')),
    tickMs: 5,
  });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  mkdirSync(join(dir, 'bench-lock'), { recursive: true });
  const t0 = process.hrtime.bigint();
  const ids: string[] = [];
  for (let i = 0; i < N; i++) {
    const r = await queue.submit({ params: { provider: 'local', model: 'gen4_turbo', durationSec: 5, ratio: '1280:720', prompt: `bench ${i}` }, projectName: 'Bench' });
    ids.push(r.jobId);
  }
  queue.start();
  for (;;) {
    const left = core.db.conn.prepare("SELECT count(*) AS n FROM jobs WHERE status NOT IN ('succeeded','failed','partial','cancelled')").get() as { n: number };
    if (left.n === 0) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const captured = core.db.conn.prepare("SELECT count(*) AS n FROM jobs WHERE status = 'succeeded' AND captured_credits = 25").get() as { n: number };
  if (captured.n !== N) throw new Error(`only ${captured.n} of ${N} jobs settled at 25 credits`);
  await queue.dispose();
  await core.dispose();
  return N / secs;
}

function bareBaseline(dir: string): number {
  const db = new Database(join(dir, 'bare.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE q (id INTEGER PRIMARY KEY, payload TEXT, status TEXT, lease INTEGER DEFAULT 0);
           CREATE TABLE entries (id INTEGER PRIMARY KEY, job INTEGER, account TEXT, amount INTEGER);
           CREATE INDEX q_status ON q(status, id);`);
  const add = db.prepare("INSERT INTO q (payload, status) VALUES (?, 'queued')");
  const entry = db.prepare('INSERT INTO entries (job, account, amount) VALUES (?, ?, ?)');
  const claim = db.prepare("UPDATE q SET status = 'running', lease = lease + 1 WHERE id = (SELECT id FROM q WHERE status = 'queued' ORDER BY id LIMIT 1) RETURNING id, lease");
  const done = db.prepare("UPDATE q SET status = 'done' WHERE id = ? AND lease = ?");
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    db.transaction(() => {
      const id = add.run(JSON.stringify({ i })).lastInsertRowid;
      entry.run(id, 'pool', -25);
      entry.run(id, 'hold', 25);
    }).immediate();
  }
  for (;;) {
    const job = db.transaction(() => claim.get() as { id: number; lease: number } | undefined).immediate();
    if (!job) break;
    db.transaction(() => {
      done.run(job.id, job.lease);
      entry.run(job.id, 'hold', -25);
      entry.run(job.id, 'spend', 25);
    }).immediate();
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  db.close();
  return N / secs;
}

async function plainjobRun(dir: string): Promise<number> {
  const { better, defineQueue } = await import('plainjob');
  const db = new Database(join(dir, 'plainjob.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const queue = defineQueue({ connection: better(db), logger: { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined } });
  // plainjob sets synchronous=NORMAL on its connection; put FULL back so every column pays the same fsync.
  db.pragma('synchronous = FULL');
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) queue.add('gen', { i });
  for (;;) {
    const job = queue.getAndMarkJobAsProcessing('gen');
    if (!job) break;
    queue.markJobAsDone(job.id);
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  queue.close();
  db.close();
  return N / secs;
}

async function litequeRun(dir: string): Promise<number | string> {
  try {
    const lq = (await import('liteque')) as unknown as {
      buildDBClient(path: string, o?: { runMigrations?: boolean }): unknown;
      SqliteQueue: new (name: string, db: unknown, o: { defaultJobArgs: { numRetries: number }; keepFailedJobs: boolean }) => {
        enqueue(p: unknown): Promise<unknown>;
        attemptDequeue(o: { timeoutSecs: number }): Promise<{ id: number; allocationId: string } | null>;
        finalize(id: number, alloc: string, status: 'completed'): Promise<void>;
      };
    };
    const db = lq.buildDBClient(join(dir, 'liteque.db'), { runMigrations: true });
    const q = new lq.SqliteQueue('gen', db, { defaultJobArgs: { numRetries: 0 }, keepFailedJobs: false });
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await q.enqueue({ i });
    for (;;) {
      const job = await q.attemptDequeue({ timeoutSecs: 30 });
      if (!job) break;
      await q.finalize(job.id, job.allocationId, 'completed');
    }
    return N / (Number(process.hrtime.bigint() - t0) / 1e9);
  } catch (e) {
    return `did not run: ${(e as Error).message.split('\n')[0]}`;
  }
}

export default async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ct-bench-queue-'));
  try {
    const bare = bareBaseline(dir);
    const ours = await ourQueue(join(dir, 'ours'));
    const plain = await plainjobRun(dir);
    const lite = await litequeRun(dir);
    console.log(`  ${N} jobs each, WAL + synchronous=FULL, submit → settle (ours: estimate, guard, reserve, claim, intent, create, poll, take, capture)`);
    console.log(`  ${'circletake queue (zero-latency provider)'.padEnd(48)} ${fmt(ours).padStart(10)} jobs/s`);
    console.log(`  ${'bare better-sqlite3 (2-row reserve + 2 commits/job)'.padEnd(48)} ${fmt(bare).padStart(10)} jobs/s`);
    console.log(`  ${'plainjob 0.0.14 (no ledger, FULL restored)'.padEnd(48)} ${fmt(plain).padStart(10)} jobs/s`);
    console.log(`  ${'liteque 0.8.0'.padEnd(48)} ${typeof lite === 'number' ? `${fmt(lite).padStart(10)} jobs/s` : lite}`);
    console.log(`  ratio ours/bare: ${(ours / bare).toFixed(2)}×   ours/plainjob: ${(ours / plain).toFixed(2)}×${typeof lite === 'number' ? `   ours/liteque: ${(ours / lite).toFixed(2)}×` : ''}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
