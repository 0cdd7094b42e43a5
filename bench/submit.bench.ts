/**
 * Submit latency against the size of the books (issue 13: a submit costs the same on day 1 and in year 3).
 * For each size, a fresh data dir whose ledger holds that many entries — reservation holds and their
 * captures, one in ten today and the rest over the past 1,000 days, all in the project submitted to —
 * seeded with bulk INSERT … SELECT, then reopened (timed too: the ledger's startup check reads accounts, not entries) and timed: milliseconds per
 * `queue.submit` (cache lookup, estimate + guard, reservation, job rows; one transaction, WAL +
 * synchronous=FULL). Baseline in the same process, on the same books: the sums the guard ran per submit
 * before running totals (today's spend on each surface, the project's spend), read from the entries.
 * Goal: the largest size within 20 % of the smallest.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, DB_FILE_NAME, type LocalCore as Core } from '../electron/core/createCore';
import { ledgerStatements, SPEND_FROM_ENTRIES } from '../electron/core/money/ledgerRepo';
import { checkTotals } from '../electron/core/money/ledgerViews';
import { createIds, silentLogger, systemClock } from '../electron/core/nodePorts';
import { dayOf } from '../shared/money/cycles';
import { fmt } from './support';
import { submitRequest } from '../test/support/parsed';

const SIZES = (process.env.SUBMIT_BENCH_SIZES ?? '1000,100000,1000000').split(',').map(Number);
const SUBMITS = Number(process.env.SUBMIT_BENCH_SUBMITS ?? 150);
/** Sizes take turns every few submits, so noise from the rest of the machine falls on each alike. */
const ROUNDS = 30;

const open = (dir: string): Core =>
  createCore({ dataDir: dir, appVersion: 'bench', isStrict: false }, { clock: systemClock, ids: createIds(systemClock), logger: silentLogger, notifier: { notify: () => undefined } });

/** `entries` ledger entries: entries/2 holds of 2 credits from local:grant, each captured at 1 credit. */
function seed(dir: string, entries: number, projectId: string): void {
  const db = new Database(join(dir, DB_FILE_NAME));
  db.pragma('journal_mode = WAL');
  const pairs = Math.floor(entries / 2);
  const today = dayOf(Date.now());
  const series = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @pairs),
    d(i, day) AS (SELECT i, CASE WHEN i % 10 = 0 THEN @today ELSE date(@today, '-' || (i % 1000 + 1) || ' days') END FROM n)`;
  const fields = `@project, 'bench', 'generate', 'preview', day || 'T09:00:00.000Z', day`;
  db.transaction(() => {
    db.prepare(
      `${series} INSERT INTO ledger_ops (id, kind, request, result, reservation_id, job_id, project_id, user_id, stage, artifact_class, created_at, day)
       SELECT 'seed-r-' || i, 'reserve', '{"amounts":{"local":2}}', '{"creditsBefore":{},"creditsAfter":{}}', NULL, 'seed-j-' || i, ${fields} FROM d`,
    ).run({ pairs, today, project: projectId });
    db.prepare(
      `${series} INSERT INTO ledger_ops (id, kind, request, result, reservation_id, job_id, project_id, user_id, stage, artifact_class, created_at, day)
       SELECT 'seed-c-' || i, 'capture', '{}', '{"creditsAfter":{}}', 'seed-r-' || i, 'seed-j-' || i, ${fields} FROM d`,
    ).run({ pairs, today, project: projectId });
    db.prepare(
      `${series} INSERT INTO ledger_entries (id, op_id, debit_account, credit_account, amount, is_pending, created_at, day)
       SELECT 'seed-r-' || i || '#0', 'seed-r-' || i, 'local:grant', 'sys:spend', 2, 1, day || 'T09:00:00.000Z', day FROM d`,
    ).run({ pairs, today });
    db.prepare(
      `${series} INSERT INTO ledger_entries (id, op_id, debit_account, credit_account, amount, is_pending, pending_id, resolution, created_at, day)
       SELECT 'seed-c-' || i || '#0', 'seed-c-' || i, 'local:grant', 'sys:spend', 1, 0, 'seed-r-' || i || '#0', 'post', day || 'T10:00:00.000Z', day FROM d`,
    ).run({ pairs, today });
    // The cached totals and running spend the ledger keeps, as the entries say (the startup audit checks).
    db.prepare(`UPDATE ledger_accounts SET debits_posted = debits_posted + @pairs WHERE id = 'local:grant'`).run({ pairs });
    db.prepare(`UPDATE ledger_accounts SET credits_posted = credits_posted + @pairs WHERE id = 'sys:spend'`).run({ pairs });
    db.exec(`DELETE FROM ledger_spend; INSERT INTO ledger_spend (scope, key, period, held, posted) ${SPEND_FROM_ENTRIES}`);
  })();
  db.close();
}

/** The guard's sums before running totals: today's unresolved holds and posts per surface, and the project's. */
function oldGuardSums(core: Core, projectId: string): number {
  const live = `e.credit_account = 'sys:spend' AND (e.is_pending = 0 OR NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.pending_id = e.id))`;
  const onDay = core.db.conn.prepare(`SELECT SUM(e.amount) AS n FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.debit_account WHERE ${live} AND e.day = @day AND a.surface = @surface`);
  const byProject = core.db.conn.prepare(`SELECT SUM(e.amount) AS n FROM ledger_entries e JOIN ledger_ops o ON o.id = e.op_id WHERE ${live} AND o.project_id = @project`);
  const day = dayOf(Date.now());
  let n = 0;
  for (const surface of ['web', 'api', 'platform', 'local']) n += (onDay.get({ day, surface }) as { n: number | null }).n ?? 0;
  return n + ((byProject.get({ project: projectId }) as { n: number | null }).n ?? 0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Books {
  dir: string;
  core: Core;
  projectId: string;
  entries: number;
  seedS: number;
  /** Opening the core (Db.open's quick_check, migrations, the ledger's startup check). */
  openMs: number;
  /** The ledger's startup check alone, and the full audit, timed after the submits. */
  checkMs: number;
  auditMs: number;
  submit(): Promise<unknown>;
}

async function prepare(entries: number): Promise<Books> {
  const dir = mkdtempSync(join(tmpdir(), 'ct-bench-submit-'));
  let core = open(dir);
  const projectId = (await core.projects.create('Bench')).id;
  await core.ledger.grant({ id: 'bench-credits', pool: 'local:grant', credits: 100_000_000 });
  await core.dispose();
  const t0 = process.hrtime.bigint();
  seed(dir, entries, projectId);
  const seedS = Number(process.hrtime.bigint() - t0) / 1e9;
  const o = process.hrtime.bigint();
  core = open(dir);
  const openMs = Number(process.hrtime.bigint() - o) / 1e6;
  const count = (core.db.conn.prepare('SELECT count(*) AS n FROM ledger_entries').get() as { n: number }).n;
  let seq = 0;
  const c = core;
  const submit = () => c.queue.submit(submitRequest({ params: { provider: 'local', model: 'gen4_turbo', durationSec: 5, prompt: 'a lighthouse at dawn', seed: ++seq }, projectId, shotName: 'Shot 1' }));
  for (let i = 0; i < 20; i++) await submit();
  return { dir, core, projectId, entries: count, seedS, openMs, checkMs: 0, auditMs: 0, submit };
}

/** Wall-clock and CPU milliseconds per submit over n submits (CPU leaves out waiting on fsync and on other processes). */
async function timeSubmits(b: Books, n: number): Promise<{ wall: number; cpu: number }> {
  const s = process.hrtime.bigint();
  const c = process.cpuUsage();
  for (let i = 0; i < n; i++) await b.submit();
  const used = process.cpuUsage(c);
  return { wall: Number(process.hrtime.bigint() - s) / 1e6 / n, cpu: (used.user + used.system) / 1e3 / n };
}

export default async function bench(): Promise<void> {
  const all: Books[] = [];
  try {
    for (const n of SIZES) all.push(await prepare(n));
    // Rounds interleave the sizes, so disk and CPU noise from the rest of the machine falls on each alike.
    const submitMs = all.map(() => [] as number[]);
    const cpuMs = all.map(() => [] as number[]);
    const oldMs = all.map(() => [] as number[]);
    const guardMs = all.map(() => [] as number[]);
    for (let r = 0; r < ROUNDS; r++) {
      for (const [i, b] of all.entries()) {
        const t = await timeSubmits(b, Math.ceil(SUBMITS / ROUNDS));
        submitMs[i]!.push(t.wall);
        cpuMs[i]!.push(t.cpu);
        const s = process.hrtime.bigint();
        oldGuardSums(b.core, b.projectId);
        oldMs[i]!.push(Number(process.hrtime.bigint() - s) / 1e6);
        const g = process.hrtime.bigint();
        for (let k = 0; k < 50; k++) await b.core.ledger.guardState(b.projectId);
        guardMs[i]!.push(Number(process.hrtime.bigint() - g) / 1e6 / 50);
      }
    }
    for (const [i, b] of all.entries()) {
      const c0 = process.hrtime.bigint();
      const check = await checkTotals(ledgerStatements(b.core.engine));
      b.checkMs = Number(process.hrtime.bigint() - c0) / 1e6;
      const a0 = process.hrtime.bigint();
      const audit = await b.core.ledger.audit();
      b.auditMs = Number(process.hrtime.bigint() - a0) / 1e6;
      if (!check.ok) throw new Error(`the startup check fails after the bench: ${check.problems.slice(0, 3).join('; ')}`);
      if (!audit.ok) throw new Error(`books do not balance after the bench: ${audit.problems.slice(0, 3).join('; ')}`);
      console.log(
        `  ${fmt(b.entries).padStart(10)} entries   submit ${median(submitMs[i]!).toFixed(2).padStart(6)} ms (cpu ${median(cpuMs[i]!).toFixed(2)} ms)   guard state ${median(guardMs[i]!).toFixed(3)} ms   ` +
          `baseline (old guard sums from entries) ${median(oldMs[i]!).toFixed(2).padStart(9)} ms   (seeded in ${b.seedS.toFixed(1)} s; core opened in ${b.openMs.toFixed(0)} ms; ledger startup check ${b.checkMs.toFixed(1)} ms, full audit ${b.auditMs.toFixed(0)} ms, ok)`,
      );
    }
    const first = median(submitMs[0]!);
    const last = median(submitMs[all.length - 1]!);
    const [a, z] = [all[0]!, all[all.length - 1]!];
    console.log(`  submit at ${fmt(z.entries)} / at ${fmt(a.entries)} entries: ${(last / first).toFixed(2)}× wall, ${(median(cpuMs[all.length - 1]!) / median(cpuMs[0]!)).toFixed(2)}× cpu   (goal: ≤ 1.20×)`);
    console.log(`  ledger startup check at ${fmt(z.entries)} / at ${fmt(a.entries)} entries: ${(z.checkMs / a.checkMs).toFixed(2)}× (reads the accounts only); the full audit (\`ledger audit\`): ${(z.auditMs / a.auditMs).toFixed(0)}×`);
    console.log(`  opening the whole core: ${(z.openMs / a.openMs).toFixed(2)}× (${z.openMs.toFixed(0)} ms / ${a.openMs.toFixed(0)} ms; the rest of opening is outside the ledger, e.g. Db.open's quick_check reads the whole file)`);
    console.log(`  old guard sums at ${fmt(z.entries)} / at ${fmt(a.entries)}: ${(median(oldMs[all.length - 1]!) / Math.max(median(oldMs[0]!), 0.001)).toFixed(0)}×`);
  } finally {
    for (const b of all) {
      await b.core.dispose();
      rmSync(b.dir, { recursive: true, force: true });
    }
  }
}
