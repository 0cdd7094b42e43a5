// The queue bench's second floor: bare better-sqlite3 writing the very rows the queue wrote, in 2 commits
// a job. An untimed run of the real queue leaves its rows; this module reads them back (the jobs and their
// tasks, attempts and takes, the ledger's operations and entries, the running totals they moved, the
// change feed) and replays them on a copy of the same database taken before any job ran — same schema,
// indexes, triggers, foreign keys, WAL + synchronous=FULL — with statements prepared once and nothing read
// back: per job one transaction for the submit (the job and its tasks as queued, the hold, its totals, its
// share of the change feed) and one for the end (the job and tasks in their final state, the attempt, the
// take, the capture, its totals, the rest of its feed). So it is what the queue's own writes cost with no
// queue around them. After the run the replay is checked against the queue's books (rows per table, every
// account's four totals, every running spend total): a floor that wrote less would fail loudly.
import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { countCommits } from '../test/support/walCommits';

type Row = Record<string, unknown>;

interface JobRows {
  job: Row;
  tasks: Row[];
  attempts: Row[];
  takes: Row[];
  /** The job's ledger operations in order (the hold, then its capture), each with its entries. */
  ops: { op: Row; entries: Row[] }[];
}

/** What one untimed queue run wrote, and the books it ended with. */
export interface QueueRows {
  jobs: JobRows[];
  /** Change-feed rows written while the jobs ran (seq dropped: the replay's own sequence assigns it). */
  feed: Row[];
  /** Per running-total row (scope, key, period): the spend each job moved through it. */
  spendPerJob: { scope: string; key: string; period: string; perJob: number }[];
  /** The rows the template lacks that the jobs needed first (the project, its shot, lazily opened accounts). */
  setup: { table: string; rows: Row[] }[];
  /** The books at the end, which the replay must reach exactly. */
  end: { counts: Record<string, number>; accounts: Row[]; spend: Row[] };
}

const COUNTED = ['jobs', 'job_tasks', 'attempts', 'takes', 'ledger_ops', 'ledger_entries', 'live_changes'] as const;
const all = (db: Database.Database, sql: string, ...args: unknown[]) => db.prepare(sql).all(...args) as Row[];

function counts(db: Database.Database): Record<string, number> {
  return Object.fromEntries(COUNTED.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
}

/** Reads back what the queue wrote in `db` since `template` (a copy taken before the first submit). */
export function captureQueueRows(db: Database.Database, template: string): QueueRows {
  const before = new Database(template, { readonly: true });
  try {
    const seen = (table: string, key: string) => new Set(all(before, `SELECT ${key} AS k FROM ${table}`).map((r) => String(r.k)));
    const setup: QueueRows['setup'] = [];
    for (const [table, key] of [['projects', 'id'], ['shots', 'id'], ['ledger_accounts', 'id']] as const) {
      const had = seen(table, key);
      const rows = all(db, `SELECT * FROM ${table} ORDER BY rowid`).filter((r) => !had.has(String(r[key])));
      // Accounts start from zero in the replay; the jobs' entries move them.
      setup.push({ table, rows: table === 'ledger_accounts' ? rows.map(zeroTotals) : rows });
    }
    const feedFrom = (before.prepare('SELECT coalesce(max(seq), 0) AS s FROM live_changes').get() as { s: number }).s;
    const feed = all(db, 'SELECT origin, event, payload, at FROM live_changes WHERE seq > ? ORDER BY seq', feedFrom);
    const jobs = all(db, 'SELECT * FROM jobs ORDER BY seq').map((job) => ({
      job,
      tasks: all(db, 'SELECT * FROM job_tasks WHERE job_id = ? ORDER BY n', job.id),
      attempts: all(db, 'SELECT * FROM attempts WHERE job_id = ? ORDER BY id', job.id).map(({ id: _id, ...a }) => a),
      takes: all(db, 'SELECT * FROM takes WHERE job_id = ? ORDER BY n', job.id),
      ops: all(db, 'SELECT * FROM ledger_ops WHERE job_id = ? ORDER BY rowid', job.id).map((op) => ({
        op,
        entries: all(db, 'SELECT * FROM ledger_entries WHERE op_id = ? ORDER BY rowid', op.id),
      })),
    }));
    const startSpend = new Map(all(before, 'SELECT * FROM ledger_spend').map((r) => [`${r.scope}|${r.key}|${r.period}`, Number(r.posted)]));
    const spend = all(db, 'SELECT * FROM ledger_spend ORDER BY scope, key, period');
    const spendPerJob = spend
      .map((r) => ({ scope: String(r.scope), key: String(r.key), period: String(r.period), moved: Number(r.posted) - (startSpend.get(`${r.scope}|${r.key}|${r.period}`) ?? 0) }))
      .filter((r) => r.moved > 0)
      .map(({ moved, ...r }) => {
        if (moved % jobs.length !== 0) throw new Error(`spend ${r.scope}/${r.key}/${r.period} moved ${moved}, not the same for each of ${jobs.length} jobs`);
        return { ...r, perJob: moved / jobs.length };
      });
    return { jobs, feed, spendPerJob, setup, end: { counts: counts(db), accounts: all(db, 'SELECT * FROM ledger_accounts ORDER BY id'), spend } };
  } finally {
    before.close();
  }
}

function zeroTotals(r: Row): Row {
  return { ...r, debits_posted: 0, credits_posted: 0, debits_pending: 0, credits_pending: 0 };
}

/** A prepared INSERT of these columns into `table`, run with a row object. */
function inserter(db: Database.Database, table: string, row: Row): (r: Row) => void {
  const cols = Object.keys(row);
  const st = db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
  return (r) => void st.run(r);
}

/** A prepared UPDATE of every column but the key, run with a row object. */
function updater(db: Database.Database, table: string, row: Row, key: string[]): (r: Row) => void {
  const cols = Object.keys(row).filter((c) => !key.includes(c));
  const st = db.prepare(`UPDATE ${table} SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE ${key.map((c) => `${c} = @${c}`).join(' AND ')}`);
  return (r) => void st.run(r);
}

/**
 * Replays `rows` on a copy of `template` at `file`, 2 commits a job, and checks the books it ends with
 * against the queue's. Returns jobs per second and CPU (user + system) per job in ms.
 */
export function replayQueueRows(rows: QueueRows, template: string, file: string, isCounted = false): { rate: number; cpuMs: number; commits: number | null } {
  copyFileSync(template, file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY'); // as the app's connection (Db.open)
  for (const { table, rows: rs } of rows.setup) for (const r of rs) inserter(db, table, r)(r);
  // The feed has no per-job key: each job writes its share, half at submit and half at its end.
  const share = rows.feed.length / rows.jobs.length;
  const first = rows.jobs[0]!;
  const insJob = inserter(db, 'jobs', first.job);
  const updJob = updater(db, 'jobs', first.job, ['id']);
  const insTask = inserter(db, 'job_tasks', first.tasks[0]!);
  const updTask = updater(db, 'job_tasks', first.tasks[0]!, ['job_id', 'n']);
  const insAttempt = inserter(db, 'attempts', first.attempts[0]!);
  const insTake = inserter(db, 'takes', first.takes[0]!);
  const insOp = inserter(db, 'ledger_ops', first.ops[0]!.op);
  const insEntry = inserter(db, 'ledger_entries', first.ops[0]!.entries[0]!);
  const insFeed = inserter(db, 'live_changes', rows.feed[0]!);
  const totals = db.prepare(
    'UPDATE ledger_accounts SET debits_posted = debits_posted + ?, credits_posted = credits_posted + ?, debits_pending = debits_pending + ?, credits_pending = credits_pending + ? WHERE id = ?',
  );
  // The running totals of one scope and key move together, one statement for all their periods (as the
  // ledger writes them): an upsert of the hold at submit; at the end, the hold released and the spend posted.
  const groups = new Map<string, { scope: string; key: string; perJob: number; periods: string[] }>();
  for (const s of rows.spendPerJob) {
    const g = groups.get(`${s.scope}|${s.key}|${s.perJob}`) ?? { scope: s.scope, key: s.key, perJob: s.perJob, periods: [] };
    g.periods.push(s.period);
    groups.set(`${s.scope}|${s.key}|${s.perJob}`, g);
  }
  const spendWrites = [...groups.values()].map((g) => {
    const upsert = db.prepare(
      `INSERT INTO ledger_spend (scope, key, period, held, posted) VALUES ${g.periods.map(() => '(?, ?, ?, ?, ?)').join(', ')}
       ON CONFLICT(scope, period, key) DO UPDATE SET held = ledger_spend.held + excluded.held, posted = ledger_spend.posted + excluded.posted`,
    );
    const release = db.prepare(`UPDATE ledger_spend SET held = held - ? WHERE scope = ? AND key = ? AND period IN (${g.periods.map(() => '?').join(', ')})`);
    return {
      hold: () => upsert.run(g.periods.flatMap((p) => [g.scope, g.key, p, g.perJob, 0])),
      post: () => {
        release.run(g.perJob, g.scope, g.key, ...g.periods);
        upsert.run(g.periods.flatMap((p) => [g.scope, g.key, p, 0, g.perJob]));
      },
    };
  });
  const entryAmounts = new Map<string, Row>();
  const writeOp = ({ op, entries }: JobRows['ops'][number]) => {
    insOp(op);
    for (const e of entries) {
      insEntry(e);
      entryAmounts.set(String(e.id), e);
      const a = Number(e.amount);
      if (e.is_pending === 1) {
        totals.run(0, 0, a, 0, e.debit_account);
        totals.run(0, 0, 0, a, e.credit_account);
      } else {
        const held = e.pending_id ? Number(entryAmounts.get(String(e.pending_id))!.amount) : 0;
        const posted = e.resolution === 'void' ? 0 : a;
        totals.run(posted, 0, -held, 0, e.debit_account);
        totals.run(0, posted, 0, -held, e.credit_account);
      }
    }
  };
  const feedOf = (i: number, half: 0 | 1) => {
    const from = Math.round((i + half / 2) * share);
    const to = Math.round((i + (half + 1) / 2) * share);
    for (let k = from; k < to; k++) insFeed(rows.feed[k]!);
  };
  const submit = db.transaction((i: number) => {
    const j = rows.jobs[i]!;
    insJob({ ...j.job, status: 'queued', finished_at: null });
    for (const t of j.tasks) insTask({ ...t, status: 'pending', provider_task_id: null });
    writeOp(j.ops[0]!);
    for (const w of spendWrites) w.hold();
    feedOf(i, 0);
  });
  const end = db.transaction((i: number) => {
    const j = rows.jobs[i]!;
    updJob(j.job);
    for (const t of j.tasks) updTask(t);
    for (const a of j.attempts) insAttempt(a);
    for (const t of j.takes) insTake(t);
    for (const o of j.ops.slice(1)) writeOp(o);
    for (const w of spendWrites) w.post();
    feedOf(i, 1);
  });
  const counter = isCounted ? countCommits(db, file) : null;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < rows.jobs.length; i++) submit.immediate(i);
  for (let i = 0; i < rows.jobs.length; i++) end.immediate(i);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const commits = counter ? counter.done() / rows.jobs.length : null;
  try {
    checkSameBooks(db, rows);
  } finally {
    db.close();
  }
  return { rate: rows.jobs.length / secs, cpuMs: (cpu.user + cpu.system) / 1000 / rows.jobs.length, commits };
}

function checkSameBooks(db: Database.Database, rows: QueueRows): void {
  const got = counts(db);
  for (const t of COUNTED) {
    if (got[t] !== rows.end.counts[t]) throw new Error(`the same-rows floor wrote ${got[t]} rows in ${t}, the queue ${rows.end.counts[t]}`);
  }
  const key = (r: Row) => JSON.stringify([r.id, r.debits_posted, r.credits_posted, r.debits_pending, r.credits_pending]);
  const mine = all(db, 'SELECT * FROM ledger_accounts ORDER BY id').map(key).join('\n');
  if (mine !== rows.end.accounts.map(key).join('\n')) throw new Error('the same-rows floor ended with other account totals than the queue');
  const spendKey = (r: Row) => JSON.stringify([r.scope, r.key, r.period, r.held, r.posted]);
  if (all(db, 'SELECT * FROM ledger_spend ORDER BY scope, key, period').map(spendKey).join('\n') !== rows.end.spend.map(spendKey).join('\n')) {
    throw new Error('the same-rows floor ended with other running spend totals than the queue');
  }
}
