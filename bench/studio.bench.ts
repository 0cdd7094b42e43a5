// npm run bench studio: the studio server under a team's load (issue 18's load test). Two `circletake studio`
// processes and one `studio worker` on one PostgreSQL database; STUDIO_MEMBERS simulated members (default
// 50), each with an events socket on one of the two processes, doing a realistic mix for STUDIO_SECONDS
// (default 60): board view, estimate, tag, comment, submit, with 300–700 ms between calls. Prints p50/p95
// per call, errors, whether the books balance, and whether every socket heard every board change made by
// anyone on either process. Baseline: one member alone on one process, in the same run. Bounded: the
// members, the time, and every request (10 s timeout).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { createDatabase, startBenchCluster } from '../test/support/pgCluster';
import { tempDir } from '../test/support/tmp';
import { fmt } from './support';

const MEMBERS = Number(process.env.STUDIO_MEMBERS ?? 50);
const SECONDS = Number(process.env.STUDIO_SECONDS ?? 60);
const TOKEN = randomBytes(32).toString('hex');
const root = join(import.meta.dirname, '..');

type Lat = Map<string, number[]>;

function start(args: string[], dataDir: string, databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(root, 'bin/circletake.js'), 'studio', ...args, '--json', '--data-dir', dataDir, '--database-url', databaseUrl], {
    env: { ...process.env, CIRCLETAKE_STUDIO_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'ignore'], // the worker's log lines would bury the figures
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (l) => resolve({ child, url: (JSON.parse(l) as { url?: string }).url ?? '' }));
    child.once('exit', (c) => reject(new Error(`circletake studio ${args.join(' ')} exited (${c})`)));
  });
}

async function call(base: string, name: string, body: unknown, lat?: Lat): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  const t0 = performance.now();
  const r = await fetch(`${base}rpc/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'idempotency-key': randomBytes(12).toString('hex') },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  }).catch((e: unknown) => ({ json: async () => ({ ok: false, error: { code: 'NETWORK', message: String(e) } }) }));
  const out = (await r.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
  if (lat) {
    const list = lat.get(name) ?? [];
    list.push(performance.now() - t0);
    lat.set(name, list);
  }
  return out;
}

const params = (prompt: string) => ({ provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN;

/** One member's loop until `until`: the mix, with think time. Counts the board changes it made. */
async function member(base: string, projectId: string, takeIds: string[], until: number, lat: Lat, errors: string[], made: { changes: number }, n: number): Promise<void> {
  let i = 0;
  while (performance.now() < until) {
    const roll = Math.random();
    const take = takeIds[Math.floor(Math.random() * takeIds.length)]!;
    let r;
    if (roll < 0.4) r = await call(base, 'board.view', { projectId }, lat);
    else if (roll < 0.6) r = await call(base, 'credits.estimate', { params: { ...params(''), prompt: undefined, variations: 1 + (i % 4) } }, lat);
    else if (roll < 0.75) {
      r = await call(base, 'tags.add', { takeIds: [take], tag: (['promising', 'needs-fix', 'discard'] as const)[i % 3], author: `member ${n}` }, lat);
      if (r.ok) made.changes++;
    } else if (roll < 0.9) {
      r = await call(base, 'comments.add', { takeId: take, body: `note ${n}.${i}`, author: `member ${n}` }, lat);
      if (r.ok) made.changes++;
    } else r = await call(base, 'jobs.submit', { params: params(`member ${n} take ${i}`), projectName: 'Load' }, lat);
    if (!r.ok) errors.push(`${r.error?.code}: ${r.error?.message.slice(0, 120)}`);
    i++;
    await new Promise((res) => setTimeout(res, 300 + Math.random() * 400));
  }
}

function printLat(label: string, lat: Lat): void {
  console.log(`  ${label}`);
  for (const [name, xs] of [...lat].sort()) console.log(`    ${name.padEnd(18)} n=${String(xs.length).padStart(5)}  p50 ${fmt(pct(xs, 50)).padStart(7)} ms  p95 ${fmt(pct(xs, 95)).padStart(7)} ms`);
}

export default async function studioBench(): Promise<void> {
  const cluster = await startBenchCluster();
  if (!cluster) return;
  const dir = tempDir('ct-bench-studio-');
  const children: ChildProcess[] = [];
  try {
    const db = await createDatabase(cluster.adminUrl, 'ct_bench_studio');
    const a = await start([], dir.dir, db.url);
    children.push(a.child);
    const [b, worker] = await Promise.all([start([], dir.dir, db.url), start(['worker'], dir.dir, db.url)]);
    children.push(b.child, worker.child);
    // A project with takes to tag: four jobs the worker renders.
    const seeded = await Promise.all([0, 1, 2, 3].map((k) => call(a.url, 'jobs.submit', { params: params(`seed ${k}`), projectName: 'Load' })));
    const jobIds = seeded.map((s) => (s.value as { jobId: string }).jobId);
    for (const id of jobIds) {
      for (let t = 0; t < 600; t++) {
        const j = (await call(a.url, 'jobs.get', { id })).value as { status: string; projectId: string };
        if (j.status === 'succeeded' || j.status === 'failed') break;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const projectId = ((await call(a.url, 'jobs.get', { id: jobIds[0] })).value as { projectId: string }).projectId;
    const takeIds = ((await call(a.url, 'takes.list', { projectId })).value as { id: string }[]).map((t) => t.id);

    // Baseline: one member alone on process A for a tenth of the time (at least 5 s).
    const base: Lat = new Map();
    await member(a.url, projectId, takeIds, performance.now() + Math.max(5, SECONDS / 10) * 1000, base, [], { changes: 0 }, 0);

    const sockets = await Promise.all(
      Array.from({ length: MEMBERS }, (_, n) => {
        const url = n % 2 === 0 ? a.url : b.url;
        const ws = new WebSocket(`${url.replace(/^http/, 'ws')}events`, { headers: { authorization: `Bearer ${TOKEN}`, origin: url.replace(/\/$/, '') } });
        const heard = { board: 0 };
        ws.on('message', (m: Buffer) => {
          if ((JSON.parse(m.toString()) as { event: string }).event === 'board.changed') heard.board++;
        });
        return new Promise<{ ws: WebSocket; heard: { board: number } }>((res, rej) => {
          ws.once('open', () => res({ ws, heard }));
          ws.once('error', rej);
        });
      }),
    );
    const lat: Lat = new Map();
    const errors: string[] = [];
    const made = { changes: 0 };
    const until = performance.now() + SECONDS * 1000;
    await Promise.all(Array.from({ length: MEMBERS }, (_, n) => member(n % 2 === 0 ? a.url : b.url, projectId, takeIds, until, lat, errors, made, n + 1)));
    await new Promise((r) => setTimeout(r, 2000)); // the last changes cross the feed
    const heardLeast = Math.min(...sockets.map((s) => s.heard.board));
    for (const s of sockets) s.ws.close();
    const audit = (await call(a.url, 'credits.audit', {})).value as { ok: boolean };

    console.log(`  ${MEMBERS} members × ${SECONDS} s on two studio processes and one worker (PostgreSQL); think time 300–700 ms`);
    printLat('baseline: one member alone on one process', base);
    printLat(`subject: ${MEMBERS} members`, lat);
    const all = [...lat.values()].flat();
    const one = [...base.values()].flat();
    console.log(`  calls ${all.length}, errors ${errors.length}${errors.length ? ` (first: ${errors[0]})` : ''}`);
    console.log(`  p50 all calls: ${fmt(pct(all, 50))} ms vs ${fmt(pct(one, 50))} ms alone (${(pct(all, 50) / pct(one, 50)).toFixed(2)}×); p95 ${fmt(pct(all, 95))} vs ${fmt(pct(one, 95))} ms`);
    console.log(`  board changes made ${made.changes}; the socket that heard fewest heard ${heardLeast} (${heardLeast >= made.changes ? 'every one delivered' : 'SOME MISSED'})`);
    console.log(`  books balance: ${audit?.ok === true ? 'yes' : `NO ${JSON.stringify(audit)}`}`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await cluster.stop();
    dir.cleanup();
  }
}
