/**
 * Queue overhead: jobs/s through submit → settle with ledger writes, using a zero-latency provider,
 * side by side (same process, same disk, WAL + synchronous=FULL everywhere) with:
 *  - the same-rows floor: bare better-sqlite3 writing the very rows an untimed run of the queue wrote, on
 *    the same schema, in 2 commits a job, checked to end with the same books (bench/sameRowsFloor.ts) —
 *    what the queue's own writes cost with nothing around them, the floor issue 13 item 6 names;
 *  - a bare better-sqlite3 baseline with a toy schema (one txn enqueues with a 2-row reservation; claim
 *    txn; complete txn with 2 ledger rows) — a per-job transaction design with almost no rows;
 *  - plainjob (better-sqlite3 queue library);
 *  - liteque — attempted; it does not run on better-sqlite3 ≥ 11.10 (see docs/perf.md), and the
 *    bench says so when it throws.
 * The queue stores takes through a no-op media port here: storing and probing clips is media's cost,
 * measured by the check bench, not queue overhead. Ours runs as in the app: the queue is started and
 * several callers submit side by side, each acknowledged only once its submit is committed (group
 * commit shares that commit, Q1 holds); the one-caller figure is printed beside it. Commits per job
 * are counted from the WAL's commit frames in separate, untimed runs (test/support/walCommits.ts).
 */
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../electron/core/createCore';
import { createIds, silentLogger, systemClock } from '../electron/core/nodePorts';
import { QueueLock } from '../electron/core/queue/queueLock';
import { benchQueue, benchRequest, writeBenchPlan } from './queueKit';
import { fmt } from './support';
import { countCommits } from '../test/support/walCommits';
import { captureQueueRows, replayQueueRows, type QueueRows } from './sameRowsFloor';

const N = Number(process.env.QUEUE_BENCH_JOBS ?? 400);
/** Callers submitting side by side (each waits for its acknowledgement before the next). */
const SUBMITTERS = Number(process.env.QUEUE_BENCH_SUBMITTERS ?? 8);
/** Alternating bare / ours rounds (medians reported). */
const ROUNDS = Number(process.env.QUEUE_BENCH_ROUNDS ?? 5);
/** Jobs in the separate runs that count commits (WAL kept whole, so not timed). */
const N_COUNT = Number(process.env.QUEUE_BENCH_COUNT_JOBS ?? 100);

interface Run {
  rate: number;
  /** Commits per job, when counted. */
  commits: number | null;
  /** CPU (user + system) per job in ms: what the run cost this process, apart from waiting on fsync. */
  cpuMs: number;
}

/**
 * The real queue on a fresh data dir. With `template`, a copy of the database is taken there before the
 * first submit and what the run wrote is read back for the same-rows floor (an untimed run).
 */
export async function ourQueue(dir: string, n = N, isCounted = false, submitters = SUBMITTERS, template?: string): Promise<Run & { rows?: QueueRows }> {
  const ports = { clock: systemClock, ids: createIds(systemClock), logger: silentLogger, notifier: { notify: () => undefined } };
  const core = createCore({ dataDir: dir, appVersion: 'bench', isStrict: false }, ports);
  writeBenchPlan(dir);
  await core.money.reload();
  await core.money.activate('bench');
  if (template) core.db.conn.exec(`VACUUM INTO '${template.replaceAll("'", "''")}'`);
  const queue = benchQueue(core, dir, new QueueLock(join(dir, 'bench-lock')));
  mkdirSync(join(dir, 'bench-lock'), { recursive: true });
  // Done when every job has announced its end (listening costs the queue nothing; polling the table would).
  const ended = new Set<string>();
  const allEnded = new Promise<void>((resolve) => {
    core.events.subscribe((name, payload) => {
      if (name !== 'jobs.changed') return;
      const { job } = payload as { job: { id: string; status: string } };
      if (['succeeded', 'failed', 'partial', 'cancelled'].includes(job.status)) ended.add(job.id);
      if (ended.size === n) resolve();
    });
  });
  const counter = isCounted ? countCommits(core.db.conn, core.db.file) : null;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  // The queue runs while jobs arrive, as in the app. SUBMITTERS callers submit side by side (finalize,
  // several windows, CLI processes); each awaits its own acknowledgement before its next submit.
  await queue.start();
  let next = 0;
  const submitter = async () => {
    for (let i = next++; i < n; i = next++) {
      await queue.submit(benchRequest(String(i)));
    }
  };
  await Promise.all(Array.from({ length: submitters }, submitter));
  await allEnded;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuMs = cpuPerJob(cpu0, n);
  await queue.idle();
  // The change feed's last batch is part of the work.
  core.events.dispose();
  const commits = counter ? counter.done() / n : null;
  const captured = core.db.conn.prepare("SELECT count(*) AS n FROM jobs WHERE status = 'succeeded' AND captured_credits = 25").get() as { n: number };
  if (captured.n !== n) throw new Error(`only ${captured.n} of ${n} jobs settled at 25 credits`);
  const rows = template ? captureQueueRows(core.db.conn, template) : undefined;
  await queue.dispose();
  await core.dispose();
  return { rate: n / secs, commits, cpuMs, rows };
}

function cpuPerJob(from: NodeJS.CpuUsage, n: number): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000 / n;
}

function bareBaseline(dir: string, n = N, isCounted = false, tag = ''): Run {
  const file = join(dir, `bare${isCounted ? '-counted' : ''}${tag}.db`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE q (id INTEGER PRIMARY KEY, payload TEXT, status TEXT, lease INTEGER DEFAULT 0);
           CREATE TABLE entries (id INTEGER PRIMARY KEY, job INTEGER, account TEXT, amount INTEGER);
           CREATE INDEX q_status ON q(status, id);`);
  const add = db.prepare("INSERT INTO q (payload, status) VALUES (?, 'queued')");
  const entry = db.prepare('INSERT INTO entries (job, account, amount) VALUES (?, ?, ?)');
  const claim = db.prepare("UPDATE q SET status = 'running', lease = lease + 1 WHERE id = (SELECT id FROM q WHERE status = 'queued' ORDER BY id LIMIT 1) RETURNING id, lease");
  const done = db.prepare("UPDATE q SET status = 'done' WHERE id = ? AND lease = ?");
  const counter = isCounted ? countCommits(db, file) : null;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
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
  const cpuMs = cpuPerJob(cpu0, n);
  const commits = counter ? counter.done() / n : null;
  db.close();
  return { rate: n / secs, commits, cpuMs };
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ct-bench-queue-'));
  try {
    // The same-rows floor replays what one untimed run of the queue wrote (bench/sameRowsFloor.ts).
    const template = join(dir, 'before-first-submit.db');
    const written = (await ourQueue(join(dir, 'ours-written'), N, false, SUBMITTERS, template)).rows!;
    // The floors and ours alternate, ROUNDS times: the machine's load drifts within seconds, so each ratio
    // compares neighbours, and the medians are reported.
    const bareRates: number[] = [];
    const sameRates: number[] = [];
    const ourRates: number[] = [];
    const ratios: number[] = [];
    const sameRatios: number[] = [];
    const bareCpu: number[] = [];
    const sameCpu: number[] = [];
    const ourCpu: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const b = bareBaseline(dir, N, false, `-${r}`);
      const f = replayQueueRows(written, template, join(dir, `same-rows-${r}.db`));
      const o = await ourQueue(join(dir, `ours-${r}`));
      bareRates.push(b.rate);
      sameRates.push(f.rate);
      ourRates.push(o.rate);
      ratios.push(o.rate / b.rate);
      sameRatios.push(o.rate / f.rate);
      bareCpu.push(b.cpuMs);
      sameCpu.push(f.cpuMs);
      ourCpu.push(o.cpuMs);
    }
    const bare = median(bareRates);
    const ours = median(ourRates);
    const oneSubmitter = (await ourQueue(join(dir, 'ours-one'), N, false, 1)).rate;
    const bareCommits = bareBaseline(dir, N_COUNT, true).commits!;
    const sameCommits = replayQueueRows(written, template, join(dir, 'same-rows-counted.db'), true).commits!;
    const ourCommits = (await ourQueue(join(dir, 'ours-counted'), N_COUNT, true)).commits!;
    const oneCommits = (await ourQueue(join(dir, 'ours-one-counted'), N_COUNT, true, 1)).commits!;
    const plain = await plainjobRun(dir);
    const lite = await litequeRun(dir);
    const perJob = (n: number) => (n / written.jobs.length).toFixed(1);
    const c = written.end.counts;
    console.log(`  ${N} jobs each, WAL + synchronous=FULL, submit → settle (ours: estimate, guard, reserve, claim, intent, create, poll, take, capture)`);
    console.log(`  ours: the queue running, ${SUBMITTERS} callers submitting side by side, each acknowledged after its commit; medians of ${ROUNDS} rounds`);
    console.log(`  ${'circletake queue (zero-latency provider)'.padEnd(52)} ${fmt(ours).padStart(10)} jobs/s   (rounds: ${ourRates.map(fmt).join(', ')})`);
    console.log(`  ${'bare better-sqlite3, the queue\'s rows, 2 commits/job'.padEnd(52)} ${fmt(median(sameRates)).padStart(10)} jobs/s   (rounds: ${sameRates.map(fmt).join(', ')})`);
    console.log(`  ${'bare better-sqlite3 (2-row reserve, 3 commits/job)'.padEnd(52)} ${fmt(bare).padStart(10)} jobs/s   (rounds: ${bareRates.map(fmt).join(', ')})`);
    console.log(`  ${'circletake queue, one caller submitting'.padEnd(52)} ${fmt(oneSubmitter).padStart(10)} jobs/s`);
    console.log(`  ${'plainjob 0.0.14 (no ledger, FULL restored)'.padEnd(52)} ${fmt(plain).padStart(10)} jobs/s`);
    console.log(`  ${'liteque 0.8.0'.padEnd(52)} ${typeof lite === 'number' ? `${fmt(lite).padStart(10)} jobs/s` : lite}`);
    console.log(`  the queue's rows per job (replayed by the same-rows floor): jobs ${perJob(c.jobs!)}, tasks ${perJob(c.job_tasks!)}, attempts ${perJob(c.attempts!)}, takes ${perJob(c.takes!)}, ledger operations ${perJob(c.ledger_ops!)}, entries ${perJob(c.ledger_entries!)}, change feed ${perJob(c.live_changes!)}, running totals ${written.spendPerJob.length}`);
    console.log(`  commits per job (WAL commit frames): ours ${ourCommits.toFixed(2)} (one caller: ${oneCommits.toFixed(2)}), same-rows floor ${sameCommits.toFixed(2)}, bare ${bareCommits.toFixed(2)}`);
    console.log(`  CPU per job (user + system, medians): ours ${median(ourCpu).toFixed(2)} ms, same-rows floor ${median(sameCpu).toFixed(2)} ms, bare ${median(bareCpu).toFixed(2)} ms — the rest of a job's time is waiting on fsync`);
    console.log(`  ratio ours/same-rows floor: ${median(sameRatios).toFixed(2)}× (goal ≥ 1.00×; rounds: ${sameRatios.map((x) => x.toFixed(2)).join(', ')})`);
    console.log(`  ratio ours/bare: ${median(ratios).toFixed(2)}× (rounds: ${ratios.map((x) => x.toFixed(2)).join(', ')})   ours/plainjob: ${(ours / plain).toFixed(2)}×${typeof lite === 'number' ? `   ours/liteque: ${(ours / lite).toFixed(2)}×` : ''}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
