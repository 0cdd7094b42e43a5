import type Database from 'better-sqlite3';
import type { Core } from '../../electron/core/createCore';
import type { Queryable, SqlValue } from '../../electron/core/db/engine/sqlEngine';
import { checkReport, seedTakeQ } from './boardSeed';
import type { FakeClock } from './core';

/**
 * A known history for the insight report: jobs, attempts (successes, a refused create, failures, a
 * cancel, a cache hit, one still running), ledger spend moved through the real CreditLedger (captures,
 * a partial capture, a void, a refund after settlement) on chosen days, takes with reviewers' tags,
 * shortlist overrides and published marks. Every figure the report shows is worked out by hand in
 * test/integration/insightReport.test.ts from the numbers here.
 *
 * Weeks (Monday, UTC): 2026-11-02, 11-09, 11-16 are complete at NOW (Monday 11-23 12:00); 11-23 runs.
 */
export const NOW = Date.parse('2026-11-23T12:00:00Z');
export const START = Date.parse('2026-11-02T08:00:00Z');

const at = (iso: string) => Date.parse(iso);
const S5 = 'video/5s/1280:720/mp4/preview';
const S5P = 'video/5s/720:1280/mp4/preview';
const R10 = 'video/10s/1280:720/mp4/release';

export interface SeedJobRow {
  id: string;
  projectId: string;
  shotId: string;
  model?: string;
  artifactClass?: 'preview' | 'release';
  variations?: number;
  status?: string;
  outputSpec?: string;
  estimated?: number;
  cacheOf?: string | null;
  saved?: number;
  createdAt: number;
}

const JOB_SQL = `INSERT INTO jobs (id, project_id, shot_id, provider, model, artifact_class, variations, params_json, prompt_sealed, params_hash,
    idempotency_key, cache_of_job_id, status, priority, seq, max_attempts, estimated_credits, credits_saved, output_spec, created_at, updated_at, finished_at)
   VALUES (?, ?, ?, 'local', ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, (SELECT COALESCE(max(seq), 0) + 1 FROM jobs), 7, ?, ?, ?, ?, ?, ?)`;

function jobValues(j: SeedJobRow): SqlValue[] {
  const params = JSON.stringify({ provider: 'local', model: j.model ?? 'gen4_turbo', variations: j.variations ?? 1, audio: false, artifactClass: j.artifactClass ?? 'preview', upscale: false });
  return [j.id, j.projectId, j.shotId, j.model ?? 'gen4_turbo', j.artifactClass ?? 'preview', j.variations ?? 1, params, Buffer.from([0]), `hash-${j.id}`, `key-${j.id}`,
    j.cacheOf ?? null, j.status ?? 'succeeded', j.estimated ?? 25, j.saved ?? 0, j.outputSpec ?? S5, j.createdAt, j.createdAt, j.createdAt];
}

/** A job row on a better-sqlite3 connection (the insight bench seeds 50,000 in one transaction). */
export function insertJob(conn: Database.Database, j: SeedJobRow): void {
  conn.prepare(JOB_SQL).run(...jobValues(j));
}

/** A job row on the engine port (either engine). */
export async function insertJobQ(q: Queryable, j: SeedJobRow): Promise<void> {
  await q.run(JOB_SQL, jobValues(j));
}

export interface SeedAttempt {
  job: string;
  model?: string;
  cls?: 'preview' | 'release';
  spec?: string;
  status: 'ok' | 'fail' | 'timeout' | 'canceled' | 'unknown' | 'cache_hit' | 'retry';
  start: string;
  latency: number | null;
  queue: number | null;
  before?: number | null;
  after?: number | null;
  est?: number | null;
  charged?: number | null;
  code?: string | null;
  /** Still in flight: no finished_at. */
  isOpen?: boolean;
}

const ATTEMPT_SQL = `INSERT INTO attempts (job_id, n, attempt, provider, artifact_class, model, params_hash, input_bytes, output_spec, credits_before, credits_after,
    credits_estimated, credits_charged, latency_ms, queue_time_ms, status, error_code, started_at, finished_at)
   VALUES (?, 0, 1, 'local', ?, ?, 'hash', 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`;

function attemptValues(a: SeedAttempt): SqlValue[] {
  const started = at(a.start);
  return [a.job, a.cls ?? 'preview', a.model ?? 'gen4_turbo', a.spec ?? (a.cls === 'release' ? R10 : S5), a.before ?? null, a.after ?? null,
    a.est === undefined ? 25 : a.est, a.charged === undefined ? null : a.charged, a.latency, a.queue, a.status, a.code ?? null, started,
    a.isOpen ? null : started + (a.latency ?? 0)];
}

/** An attempt on a better-sqlite3 connection; returns its id. */
export function insertAttempt(conn: Database.Database, a: SeedAttempt): number {
  return Number((conn.prepare(ATTEMPT_SQL).get(...attemptValues(a)) as { id: number }).id);
}

/** An attempt on the engine port (either engine); returns its id. */
export async function insertAttemptQ(q: Queryable, a: SeedAttempt): Promise<number> {
  return Number((await q.get<{ id: number }>(ATTEMPT_SQL, attemptValues(a)))!.id);
}

export interface Seeded {
  p1: string;
  p2: string;
  shot1: string;
  shot2: string;
  jobs: Record<string, string>;
  takes: Record<string, string>;
}

/** Moves the clock, then runs fn (ledger ops are dated by the clock). */
async function on(clock: FakeClock, iso: string, fn: () => Promise<unknown>): Promise<void> {
  clock.t = at(iso);
  await fn();
}

export async function seedInsight(core: Core, clock: FakeClock): Promise<Seeded> {
  await core.ledger.ready;
  clock.t = START;
  const p1 = (await core.projects.create('Spot')).id;
  const p2 = (await core.projects.create('Short')).id;
  const shot1 = (await core.shots.create(p1, 'Opening')).id;
  const shot2 = (await core.shots.create(p2, 'Ending')).id;
  const J = (k: string) => `job_${k.toLowerCase()}seed0000000`;
  const jobs: Record<string, string> = {};
  for (const k of ['J1', 'J2', 'J3', 'J4', 'J5', 'J6', 'J7', 'J8', 'J9', 'J10']) jobs[k] = J(k);
  const jobRows: SeedJobRow[] = [];
  const job = (k: string, o: Omit<SeedJobRow, 'id' | 'shotId' | 'projectId'> & { projectId?: string }) =>
    jobRows.push({ id: jobs[k]!, projectId: o.projectId ?? p1, shotId: (o.projectId ?? p1) === p2 ? shot2 : shot1, ...o });
  job('J1', { variations: 2, estimated: 50, createdAt: at('2026-11-03T09:59:50Z') });
  job('J2', { createdAt: at('2026-11-04T09:59:55Z') });
  job('J3', { variations: 2, estimated: 50, outputSpec: S5P, createdAt: at('2026-11-10T08:59:59Z') });
  job('J4', { artifactClass: 'release', estimated: 50, outputSpec: R10, createdAt: at('2026-11-11T13:59:40Z') });
  job('J5', { projectId: p2, model: 'gen4.5', estimated: 60, createdAt: at('2026-11-17T10:48:20Z') });
  job('J6', { artifactClass: 'release', estimated: 50, outputSpec: R10, createdAt: at('2026-11-18T14:49:00Z') });
  job('J7', { status: 'failed', createdAt: at('2026-11-18T15:19:50Z') });
  job('J8', { cacheOf: jobs.J2!, saved: 25, createdAt: at('2026-11-23T09:00:00Z') });
  job('J9', { createdAt: at('2026-11-23T09:59:48Z') });
  job('J10', { status: 'running', createdAt: at('2026-11-23T11:29:59Z') });

  // The attempts log. a1/a2 overlap (two variations at once); a3 and a5 ran alone with the balance moving.
  const attemptRows: SeedAttempt[] = [];
  attemptRows.push({ job: jobs.J1!, status: 'ok', start: '2026-11-03T10:00:00Z', latency: 60_000, queue: 10_000, before: 10_000, after: 10_000, charged: 25 });
  attemptRows.push({ job: jobs.J1!, status: 'ok', start: '2026-11-03T10:00:30Z', latency: 60_000, queue: 40_000, before: 10_000, after: 10_000, charged: 25 });
  attemptRows.push({ job: jobs.J2!, status: 'ok', start: '2026-11-04T10:00:00Z', latency: 30_000, queue: 5_000, before: 9_950, after: 9_920, charged: 25 });
  attemptRows.push({ job: jobs.J3!, spec: S5P, status: 'retry', start: '2026-11-10T09:00:00Z', latency: 200, queue: 1_000, charged: 0, code: 'RATE_LIMITED' });
  attemptRows.push({ job: jobs.J3!, spec: S5P, status: 'ok', start: '2026-11-10T09:01:00Z', latency: 90_000, queue: 61_000, before: 9_920, after: 9_893, charged: 25 });
  attemptRows.push({ job: jobs.J3!, spec: S5P, status: 'ok', start: '2026-11-10T09:05:00Z', latency: 120_000, queue: 300_000, charged: 25 });
  attemptRows.push({ job: jobs.J4!, cls: 'release', status: 'fail', start: '2026-11-11T14:00:00Z', latency: 45_000, queue: 20_000, est: 50, charged: 0, code: 'INTERNAL.BAD_OUTPUT.CODE01' });
  attemptRows.push({ job: jobs.J4!, cls: 'release', status: 'ok', start: '2026-11-11T14:10:00Z', latency: 100_000, queue: 30_000, est: 50, charged: 50 });
  attemptRows.push({ job: jobs.J5!, model: 'gen4.5', status: 'ok', start: '2026-11-17T11:00:00Z', latency: 200_000, queue: 700_000, est: 60, charged: 66 });
  attemptRows.push({ job: jobs.J6!, cls: 'release', status: 'ok', start: '2026-11-18T15:00:00Z', latency: 80_000, queue: 660_000, est: 50, charged: 40 });
  attemptRows.push({ job: jobs.J7!, status: 'fail', start: '2026-11-18T15:20:00Z', latency: 50_000, queue: 10_000, charged: 0, code: 'FAILED' });
  attemptRows.push({ job: jobs.J7!, status: 'canceled', start: '2026-11-18T15:25:00Z', latency: 5_000, queue: 15_000, charged: 0 });
  attemptRows.push({ job: jobs.J8!, status: 'cache_hit', start: '2026-11-23T09:00:00Z', latency: 0, queue: 0, charged: 0 });
  attemptRows.push({ job: jobs.J9!, status: 'ok', start: '2026-11-23T10:00:00Z', latency: 40_000, queue: 12_000, charged: 25 });
  attemptRows.push({ job: jobs.J10!, status: 'unknown', start: '2026-11-23T11:30:00Z', latency: null, queue: 1_000, isOpen: true });

  // Jobs and attempts in one transaction (one commit on SQLite's fsync path).
  await core.engine.tx(async (q) => {
    for (const j of jobRows) await insertJobQ(q, j);
    for (const a of attemptRows) await insertAttemptQ(q, a);
  });

  // Money through the real ledger, dated by the clock.
  const L = core.ledger;
  const reserve = (k: string, credits: number, stage: 'generate' | 'upscale' | 'export', cls: 'preview' | 'release', projectId = p1) =>
    L.reserve({ id: `rsv_${jobs[k]}`, jobId: jobs[k]!, projectId, stage, artifactClass: cls, amounts: { local: credits } });
  await on(clock, '2026-11-03T10:01:30Z', async () => {
    await reserve('J1', 50, 'generate', 'preview');
    await L.capture(`rsv_${jobs.J1}`, 50);
  });
  await on(clock, '2026-11-04T10:00:30Z', async () => {
    await reserve('J2', 25, 'generate', 'preview');
    await L.capture(`rsv_${jobs.J2}`, 25);
  });
  await on(clock, '2026-11-10T09:07:00Z', async () => {
    await reserve('J3', 50, 'generate', 'preview');
    await L.capture(`rsv_${jobs.J3}`, 50);
  });
  await on(clock, '2026-11-11T14:11:40Z', async () => {
    await reserve('J4', 50, 'export', 'release');
    await L.capture(`rsv_${jobs.J4}`, 50);
  });
  await on(clock, '2026-11-17T11:03:20Z', async () => {
    await reserve('J5', 60, 'upscale', 'preview', p2);
    await L.capture(`rsv_${jobs.J5}`, 60);
  });
  await on(clock, '2026-11-18T15:01:20Z', async () => {
    await reserve('J6', 50, 'export', 'release');
    await L.capture(`rsv_${jobs.J6}`, 40);
  });
  await on(clock, '2026-11-18T15:25:05Z', async () => {
    await reserve('J7', 25, 'generate', 'preview');
    await L.capture(`rsv_${jobs.J7}`, 0);
  });
  await on(clock, '2026-11-19T09:00:00Z', () => L.refund({ id: 'refund-j3', reservationId: `rsv_${jobs.J3}`, credits: 20, reason: 'provider refunded a bad output' }));
  await on(clock, '2026-11-23T10:00:40Z', async () => {
    await reserve('J9', 25, 'generate', 'preview');
    await L.capture(`rsv_${jobs.J9}`, 25);
  });
  await on(clock, '2026-11-23T11:29:59Z', () => reserve('J10', 25, 'generate', 'preview'));

  // Takes, reviewers' verdicts, overrides, published marks, in one transaction.
  const T = (k: string) => `tk_${k.toLowerCase()}seed00000000`;
  const takes: Record<string, string> = {};
  for (const k of ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'R1', 'R2', 'R3', 'R4', 'R5']) takes[k] = T(k);
  await core.engine.tx(async (q) => {
    const take = (k: string, jobKey: string, o: { n?: number; cls?: 'preview' | 'release'; source?: string; status?: 'passed' | 'failed'; failing?: ('watermark' | 'black')[]; projectId?: string; atIso: string }) =>
      seedTakeQ(q, {
        id: takes[k]!, jobId: jobs[jobKey]!, projectId: o.projectId ?? p1, shotId: (o.projectId ?? p1) === p2 ? shot2 : shot1, n: o.n ?? 0,
        artifactClass: o.cls ?? 'preview', sourceTakeId: o.source ? takes[o.source]! : null, checkStatus: o.status ?? 'passed',
        checks: checkReport(o.failing ?? []), createdAt: at(o.atIso),
      });
    await take('T1', 'J1', { atIso: '2026-11-03T10:01:00Z' });
    await take('T2', 'J1', { n: 1, atIso: '2026-11-03T10:01:30Z' });
    await take('T3', 'J2', { atIso: '2026-11-04T10:00:30Z' });
    await take('T4', 'J3', { status: 'failed', failing: ['black'], atIso: '2026-11-10T09:02:30Z' });
    await take('T5', 'J3', { n: 1, atIso: '2026-11-10T09:07:00Z' });
    await take('T6', 'J9', { atIso: '2026-11-23T10:00:40Z' });
    await take('T7', 'J5', { projectId: p2, atIso: '2026-11-17T11:03:20Z' });
    await take('R1', 'J4', { cls: 'release', source: 'T1', atIso: '2026-11-11T14:11:40Z' });
    await take('R4', 'J4', { n: 1, cls: 'release', source: 'T3', status: 'failed', failing: ['watermark'], atIso: '2026-11-11T14:11:41Z' });
    await take('R2', 'J6', { cls: 'release', source: 'T3', atIso: '2026-11-18T15:01:20Z' });
    await take('R3', 'J6', { n: 1, cls: 'release', source: 'T2', atIso: '2026-11-18T15:01:21Z' });
    await take('R5', 'J6', { n: 2, cls: 'release', source: 'T5', atIso: '2026-11-18T15:01:22Z' });
    const tag = (k: string, author: string, t: 'promising' | 'discard' | 'needs-fix', isAuto = false) =>
      q.run('INSERT INTO take_tags (take_id, project_id, author, tag, is_auto, reason, created_at) VALUES (?, ?, ?, ?, ?, NULL, ?)', [
        takes[k]!, k === 'T7' ? p2 : p1, author, t, isAuto ? 1 : 0, NOW - 1000,
      ]);
    await tag('T1', 'ana', 'promising');
    await tag('T2', 'ana', 'promising');
    await tag('T2', 'ben', 'discard');
    await tag('T4', 'auto-check', 'needs-fix', true);
    await tag('T5', 'ana', 'promising');
    await tag('T5', 'auto-check', 'needs-fix', true);
    await tag('T7', 'cleo', 'promising');
    await tag('R2', 'ben', 'needs-fix');
    await q.run("INSERT INTO shortlist_overrides (take_id, project_id, override, author, created_at) VALUES (?, ?, 'in', 'ana', ?)", [takes.T3!, p1, NOW - 1000]);
    const publish = (k: string, iso: string) => q.run('INSERT INTO take_published (take_id, project_id, published_at, export_ref) VALUES (?, ?, ?, NULL)', [takes[k]!, p1, at(iso)]);
    await publish('T1', '2026-11-12T09:00:00Z');
    await publish('T5', '2026-11-19T10:00:00Z');
    await publish('T3', '2026-11-19T10:05:00Z');
  });
  clock.t = NOW;
  return { p1, p2, shot1, shot2, jobs, takes };
}
