import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StudioClient } from '../../electron/host/studioClient';
import type { Job } from '../../shared/contract/jobs';
import { chaosPlan } from '../chaos/chaosPlan';
import { FakeRunway } from '../fakeRunway/fakeRunway';
import { startBalancer, type Balancer } from '../support/balancer';
import { needsOn, studioDatabase } from '../support/coreOn';
import { describeWith } from '../support/needs';
import { startS3, type TestS3 } from '../support/s3Server';
import { tempDir } from '../support/tmp';

// Issue 18, "Bad input": two filmmakers race for the last credits of the studio's one pool, through TWO
// `circletake studio` processes, with TWO `circletake studio worker` processes running the jobs against the
// fake Runway — one PostgreSQL database and one s3rver bucket between them all. The pool pays for exactly N
// jobs: exactly N are accepted and the rest refused naming the pool and the shortfall; every accepted job ends
// once, captured = billed, `ledger audit` is clean, and the fake never had more of the model's tasks in flight
// than its tier allows. Then a studio process is SIGKILLed with a call in flight, twice: once with the call
// half-received (it never ran), once with its answer on the way out (it ran): either way StudioClient
// retries with its Idempotency-Key, the balancer sends the retry to another process, and the call is
// applied once.

const ADMIN = randomBytes(32).toString('hex');
const MODEL = 'gen4.5';
/** The fake's tier: tasks of the model in flight at once for the organization (each worker's plan allows 8). */
const TIER = 2;
/** Jobs the pool pays for, and submits per filmmaker (2 × PER > N: someone loses the race). */
const N = 3;
const PER = 3;

let s3: TestS3;
let dir: ReturnType<typeof tempDir>;
let fake: FakeRunway;
const balancers: Balancer[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  s3 = await startS3('circletake-race');
  dir = tempDir('ct-race-');
  fake = await FakeRunway.start({
    timing: { pendingMs: 100, runningMs: 400 },
    creditBalance: 0,
    tier: { [MODEL]: { maxConcurrentGenerations: TIER, maxDailyGenerations: 1000 } },
  });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const b of balancers) await b.close();
  await fake?.stop();
  await s3?.close();
  dir?.cleanup();
});

/** `circletake studio …` as its own process; resolves with its --json line once it serves (or runs). */
function start(args: string[]): Promise<{ child: ChildProcess; ready: { url: string } }> {
  const env = {
    ...process.env,
    CIRCLETAKE_STUDIO_TOKEN: ADMIN,
    CIRCLETAKE_STORE_URL: s3.url('race'),
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    RUNWAYML_BASE_URL: fake.baseUrl,
    RUNWAYML_API_SECRET: fake.key,
  };
  const child = spawn(process.execPath, ['bin/circletake.js', 'studio', ...args, '--json', '--data-dir', dir.dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, ready: JSON.parse(line) as { url: string } }));
    child.once('exit', (code) => reject(new Error(`studio ${args[0]} exited before it started (${code}): ${err}`)));
  });
}

/** SIGKILLs a process and resolves once it is gone. */
function killed(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const params = (i: number) => ({ provider: 'runway', model: MODEL, durationSec: 2, ratio: '1280:720', prompt: `a pier in the rain, take ${i}`, seed: i });

describeWith(needsOn('postgres'), 'the money race across two studio processes and two workers', () => {
  it(`accepts exactly the ${N} jobs the pool pays for, runs each once within the tier, and applies a call retried past a killed process once (killed before it ran, or after)`, { timeout: 90_000 }, async () => {
    const databaseUrl = await studioDatabase();
    // Every process reads the same plans folder: the chaos plan lets each worker run 8 at once, so the tier is the only limit.
    mkdirSync(join(dir.dir, 'plans'), { recursive: true });
    writeFileSync(join(dir.dir, 'plans', 'chaos-api.yaml'), chaosPlan(join(process.cwd(), 'resources')));
    const db = ['--database-url', databaseUrl];
    // A and B take the race; C is there to be killed before it runs a call.
    const [a, b, c] = await Promise.all([start(db), start(db), start(db), start(['worker', ...db]), start(['worker', ...db])]);
    const admin = new StudioClient({ url: a!.ready.url, token: ADMIN });
    const adminB = new StudioClient({ url: b!.ready.url, token: ADMIN });

    await admin.value('plans.activate', { name: 'chaos-api' });
    await admin.value('projects.create', { name: 'Race' });
    const join2 = async (name: string, via: string) => {
      const { secret } = (await admin.value('studio.invite', { role: 'filmmaker', name })) as { secret: string };
      const { token } = (await new StudioClient({ url: via, token: null }).value('studio.acceptInvite', { secret })) as { token: string };
      return { client: new StudioClient({ url: via, token }), token };
    };
    const { client: fay, token: fayToken } = await join2('Fay', a!.ready.url);
    const { client: finn } = await join2('Finn', b!.ready.url);

    // B has seen A's plan switch (it reads the choice from the database) before anyone prices on it.
    await expect.poll(async () => ((await adminB.value('plans.active', {})) as { plan: { plan: { name: string } } }).plan.plan.name, { timeout: 15_000 }).toBe('chaos-api');
    const quote = (await finn.value('credits.quote', { params: { provider: 'runway', model: MODEL, durationSec: 2, ratio: '1280:720' } })) as { estimate: { pools: { api?: number } } };
    const cost = quote.estimate.pools.api!;
    expect(cost).toBeGreaterThan(0);
    // The studio's one pool is its Runway organization's balance (mirrored into the books): it pays for N jobs.
    fake.topUp(N * cost);
    await admin.value('credits.syncProvider', {});
    const api = async () => ((await adminB.value('credits.balances', {})) as { surfaces: { surface: string; available: number }[] }).surfaces.find((s) => s.surface === 'api')?.available;
    expect(await api()).toBe(N * cost);

    // The race: both filmmakers at once, each through their own studio process.
    const submits = await Promise.all([
      ...Array.from({ length: PER }, (_, i) => fay.call('jobs.submit', { params: params(1 + i), projectName: 'Race', noCache: true })),
      ...Array.from({ length: PER }, (_, i) => finn.call('jobs.submit', { params: params(100 + i), projectName: 'Race', noCache: true })),
    ]);
    const accepted = submits.filter((r) => r.ok).map((r) => (r as { value: { jobId: string } }).value.jobId);
    const refused = submits.flatMap((r) => (r.ok ? [] : [r.error]));
    expect(accepted).toHaveLength(N);
    expect(refused).toHaveLength(2 * PER - N);
    for (const e of refused) {
      expect(e.code).toBe('INSUFFICIENT_CREDITS');
      // The pool and the shortfall, by name and number: all N reservations hold the pool's every credit.
      expect(e.message).toContain(`needs ${cost}, 0 available (api:purchased 0); short by ${cost}.`);
      expect(e.details).toMatchObject({ rule: 'balance', pool: 'api:purchased', shortfall: cost });
    }

    // A studio process dies with a call half-received: C has the call's headers and half its body. The
    // balancer answers 502 (a gateway's answer); StudioClient retries with the same key, C is gone, B runs it: once.
    const localJob = (prompt: string) => ({ params: { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt }, projectName: 'Race', noCache: true });
    const viaC = await startBalancer([c!.ready.url, b!.ready.url]);
    balancers.push(viaC);
    viaC.cutNextRequest(() => killed(c!.child));
    const cutShort = await new StudioClient({ url: viaC.url, token: fayToken, backoffMs: 50 }).call('jobs.submit', localJob('the pier at dusk'));
    expect(cutShort.ok, JSON.stringify(cutShort)).toBe(true);
    const cutId = (cutShort as { value: { jobId: string } }).value.jobId;
    expect(viaC.log.map((l) => [l.upstream, l.lost])).toEqual([[c!.ready.url, true], [b!.ready.url, false]]);

    // A studio process dies with a call in flight: A has answered (and stored the answer under the key), the
    // answer never reaches the client. StudioClient retries with the same key; A is gone, so the balancer
    // sends the retry to B, which answers with A's stored answer: one job, one reservation. (A job on the
    // local simulator, paid from the studio's simulated pool: Runway's pool is spent.)
    const balancer = await startBalancer([a!.ready.url, b!.ready.url]);
    balancers.push(balancer);
    let lostAnswer = '';
    balancer.loseNextAnswer(async (_up, body) => {
      lostAnswer = body;
      await killed(a!.child);
    });
    const fayViaLb = new StudioClient({ url: balancer.url, token: fayToken, backoffMs: 50 });
    const late = await fayViaLb.call('jobs.submit', localJob('the pier at night'));
    expect(late.ok, JSON.stringify(late)).toBe(true);
    const lateId = (late as { value: { jobId: string } }).value.jobId;
    expect(balancer.log.map((l) => [l.upstream, l.lost])).toEqual([[a!.ready.url, true], [b!.ready.url, false]]);
    expect((JSON.parse(lostAnswer) as { value: { jobId: string } }).value.jobId).toBe(lateId);

    // Every accepted job ends, once; run by the two workers within the tier.
    const ids = [...accepted, cutId, lateId];
    const terminal = new Set(['succeeded', 'partial', 'failed', 'cancelled', 'unknown']);
    const jobsNow = () => Promise.all(ids.map(async (id) => (await adminB.value('jobs.get', { id })) as Job));
    await expect.poll(async () => (await jobsNow()).filter((j) => !terminal.has(j.status)).length, { timeout: 60_000, interval: 250 }).toBe(0);
    const jobs = await jobsNow();
    expect(jobs.map((j) => j.status)).toEqual(ids.map(() => 'succeeded'));

    const sql = new pg.Client({ connectionString: databaseUrl });
    await sql.connect();
    try {
      const ops = await sql.query<{ kind: string; n: string }>('SELECT kind, count(*) AS n FROM ledger_ops GROUP BY kind');
      const count = (kind: string) => Number(ops.rows.find((r) => r.kind === kind)?.n ?? 0);
      // One reservation per accepted job (the refused ones and the retried call made none), each resolved once.
      expect({ reserve: count('reserve'), capture: count('capture'), void: count('void') }).toEqual({ reserve: N + 2, capture: N + 2, void: 0 });
      expect(Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM jobs')).rows[0]!.n)).toBe(N + 2);
    } finally {
      await sql.end();
    }
    // Captured = what the fake billed, task by task (every task it made is one of ours: no faults here).
    const tasks = fake.tasks();
    expect(tasks).toHaveLength(N);
    const billed = tasks.reduce((s, t) => s + (fake.billedFor(t.id) ?? 0), 0);
    expect(jobs.filter((j) => j.id !== lateId && j.id !== cutId).reduce((s, j) => s + (j.capturedCredits ?? 0), 0)).toBe(billed);
    expect(billed).toBe(N * cost);
    expect(await api()).toBe(0);
    // Both workers shared the tier: never more than TIER of the model's tasks in flight at once.
    const inFlight = fake.stats().maxInFlightByModel[MODEL] ?? 0;
    expect(inFlight).toBeGreaterThan(0);
    expect(inFlight).toBeLessThanOrEqual(TIER);

    // The books, audited the way an admin would: `circletake ledger audit` on the studio database.
    const audit = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn(process.execPath, ['bin/circletake.js', 'ledger', 'audit', '--json', '--database-url', databaseUrl, '--data-dir', dir.dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      c.once('exit', (code) => resolve({ code, out }));
    });
    expect(audit.code).toBe(0);
    expect(JSON.parse(audit.out)).toMatchObject({ ok: true, problems: [] });
    console.log(`money race: ${N} of ${2 * PER} accepted at ${cost} credits each; captured ${billed}; max in flight ${inFlight} (tier ${TIER})`);
  });
});
