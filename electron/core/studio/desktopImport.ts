import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors';
import type { Db } from '../db/db';
import type { PgEngine } from '../db/engine/pgEngine';
import { constraintOf, type Queryable, type SqlValue } from '../db/engine/sqlEngine';
import { SqliteEngine } from '../db/engine/sqliteEngine';
import { checkBooks, type BooksSummary } from './booksCheck';

/**
 * Moving a desktop into a studio: every row of a desktop's SQLite data dir copied into the studio's
 * PostgreSQL database, in one transaction, once. The books are checked on both sides: a desktop whose
 * ledger does not balance is refused, and a copy that would not balance is rolled back. Media files stay
 * where they are (object storage moves them, issue #17).
 *
 * What is not copied: the live change feed (recent events, not data) and review links (tokens issued by
 * the desktop's own review server; a studio gives its members accounts instead).
 *
 * A studio keeps one set of books: the first desktop brings its ledger; a second desktop brings its
 * projects, takes and history with `withLedger: false`, since its pools are the same provider
 * organization's and merging two mirrors of one balance would count it twice.
 */

interface TableSpec {
  name: string;
  /** Part of the books or the studio-wide settings: copied only with the ledger. */
  ledger?: boolean;
  /** For tables WITHOUT ROWID. */
  orderBy?: string;
  /** Rows that belong to the desktop alone. */
  where?: string;
}

const TABLES: readonly TableSpec[] = [
  { name: 'projects' },
  { name: 'shots' },
  { name: 'ledger_accounts', ledger: true },
  { name: 'ledger_ops', ledger: true },
  { name: 'ledger_entries', ledger: true },
  { name: 'ledger_spend', ledger: true, orderBy: 'scope, period, key' },
  { name: 'money_settings', ledger: true, where: "key <> 'install_id'" },
  { name: 'money_notices', ledger: true },
  { name: 'config_versions', ledger: true },
  { name: 'config_breaks', ledger: true },
  { name: 'queue_state', ledger: true },
  { name: 'insight_settings', ledger: true },
  { name: 'insight_calibration', ledger: true },
  { name: 'money_budgets' },
  { name: 'jobs' },
  { name: 'job_tasks' },
  { name: 'attempts' },
  { name: 'artifacts' },
  { name: 'artifact_checks' },
  { name: 'takes' },
  { name: 'watermarks' },
  { name: 'take_tags' },
  { name: 'take_comments' },
  { name: 'shortlist_rules' },
  { name: 'shortlist_overrides' },
  { name: 'take_published' },
  { name: 'take_stars' },
  { name: 'board_actions' },
  { name: 'project_spend_thresholds' },
  { name: 'project_spend_crossings' },
  { name: 'benchmark_runs' },
  { name: 'asset_labels' },
  { name: 'drafts' },
];

/** Tables whose ids PostgreSQL numbers itself: their sequences move past the copied ids. */
const IDENTITIES: readonly [string, string][] = [
  ['attempts', 'id'],
  ['board_actions', 'id'],
];

export interface TableCopy {
  table: string;
  /** Rows in the desktop's table. */
  rows: number;
  /** Rows the studio already had (same key): left as they were. */
  skipped: number;
}

export interface DesktopImportReport {
  /** The desktop's identity (money_settings.install_id, made on its first import if it had none). */
  sourceId: string;
  /** True when this desktop had been imported before: nothing was copied this time. */
  alreadyImported: boolean;
  importedAt: number;
  withLedger: boolean;
  tables: TableCopy[];
  /** The studio's books after the copy (with the ledger), checked before commit. */
  books: BooksSummary | null;
}

export interface DesktopImportOptions {
  source: Db;
  target: PgEngine;
  withLedger: boolean;
  now: number;
}

const LIVE_JOBS = `SELECT count(*) AS n FROM jobs WHERE status IN ('queued', 'paused', 'running', 'unknown')`;

export async function importDesktop(o: DesktopImportOptions): Promise<DesktopImportReport> {
  const conn = o.source.conn;
  if (!conn.prepare('SELECT 1 FROM ledger_ops LIMIT 1').get()) {
    throw new AppError('VALIDATION', `The data dir of ${o.source.file} has no books yet: open it with Circle Take once, then import it.`, { field: 'from' });
  }
  const first = { id: installIdOf(conn) };
  const live = (conn.prepare(LIVE_JOBS).get() as { n: number }).n;
  if (live > 0) {
    throw new AppError(
      'POLICY_REFUSED',
      `${live} job(s) on this desktop are still queued, paused, running or unknown. Let them finish, or cancel or resolve them (circletake jobs), then import; a studio must not run them a second time.`,
      { rule: 'no-live-jobs', liveJobs: live },
    );
  }
  const sourceBooks = await checkBooks(new SqliteEngine(conn, o.source.file));
  if (!sourceBooks.ok) {
    throw new AppError('POLICY_REFUSED', `This desktop's books do not balance (${sourceBooks.problems[0]}); run circletake ledger audit and fix them before moving them into a studio.`, {
      rule: 'books-balance',
      problems: sourceBooks.problems,
    });
  }
  const tables = TABLES.filter((t) => o.withLedger || !t.ledger);
  try {
    return await o.target.tx(
      async (q) => {
        const done = await q.get<{ imported_at: number; with_ledger: number; tables_json: string }>(
          'SELECT imported_at, with_ledger, tables_json FROM studio_imports WHERE source_id = ?',
          [first.id],
        );
        if (done) {
          return { sourceId: first.id, alreadyImported: true, importedAt: done.imported_at, withLedger: done.with_ledger === 1, tables: JSON.parse(done.tables_json) as TableCopy[], books: null };
        }
        await refuseWhatWouldClash(q, conn, o.withLedger);
        const copies: TableCopy[] = [];
        for (const t of tables) copies.push(await copyTable(q, conn, t));
        for (const [table, column] of IDENTITIES) {
          await q.get(`SELECT setval(pg_get_serial_sequence('${table}', '${column}'), (SELECT COALESCE(max(${column}), 0) + 1 FROM ${table}), false)`);
        }
        let books: BooksSummary | null = null;
        if (o.withLedger) {
          books = await checkBooks(q);
          if (!books.ok) throw new AppError('INTERNAL', `The copied books would not balance (${books.problems[0]}); nothing was imported.`, { problems: books.problems });
        }
        await q.run('INSERT INTO studio_imports (source_id, with_ledger, tables_json, imported_at) VALUES (?, ?, ?, ?)', [
          first.id,
          o.withLedger ? 1 : 0,
          JSON.stringify(copies),
          o.now,
        ]);
        return { sourceId: first.id, alreadyImported: false, importedAt: o.now, withLedger: o.withLedger, tables: copies, books };
      },
      { retries: 0 },
    );
  } catch (e) {
    if (constraintOf(e) === 'unique') {
      throw new AppError('CONFLICT', 'This desktop is being imported by another process right now; wait for it and look again.', { sourceId: first.id }, { cause: e });
    }
    throw e;
  }
}

/** This desktop's identity, kept in its own database so a repeat import is recognised. */
function installIdOf(conn: Database.Database): string {
  conn.prepare(`INSERT INTO money_settings (key, value) VALUES ('install_id', ?) ON CONFLICT (key) DO NOTHING`).run(`ins_${randomUUID()}`);
  return (conn.prepare(`SELECT value FROM money_settings WHERE key = 'install_id'`).get() as { value: string }).value;
}

async function refuseWhatWouldClash(q: Queryable, conn: Database.Database, withLedger: boolean): Promise<void> {
  if (withLedger) {
    const books = await q.get<{ n: number }>('SELECT count(*) AS n FROM ledger_ops');
    if ((books?.n ?? 0) > 0) {
      throw new AppError(
        'POLICY_REFUSED',
        'This studio already keeps books (from another desktop or its own work). A second ledger cannot be merged into them: its pools are the same provider organization\'s. Import this desktop with --no-ledger to bring its projects, takes and history.',
        { rule: 'one-set-of-books' },
      );
    }
  }
  const names = (conn.prepare('SELECT name FROM projects WHERE deleted_at IS NULL').all() as { name: string }[]).map((r) => r.name);
  const clashing: string[] = [];
  for (const name of names) {
    const hit = await q.get('SELECT 1 AS x FROM projects WHERE lower(name) = lower(?) AND deleted_at IS NULL', [name]);
    if (hit) clashing.push(name);
  }
  if (clashing.length > 0) {
    throw new AppError(
      'CONFLICT',
      `The studio already has project(s) named ${clashing.map((n) => `"${n}"`).join(', ')}. Rename them on the desktop (or in the studio), then import again; nothing was copied.`,
      { field: 'projects', names: clashing },
    );
  }
}

async function copyTable(q: Queryable, conn: Database.Database, t: TableSpec): Promise<TableCopy> {
  const columns = (conn.pragma(`table_info(${t.name})`) as { name: string }[]).map((c) => c.name);
  const perBatch = Math.max(1, Math.min(500, Math.floor(30_000 / columns.length)));
  const rows = conn.prepare(`SELECT ${columns.join(', ')} FROM ${t.name}${t.where ? ` WHERE ${t.where}` : ''} ORDER BY ${t.orderBy ?? 'rowid'}`).raw(true).iterate() as IterableIterator<SqlValue[]>;
  let total = 0;
  let inserted = 0;
  let batch: SqlValue[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    const sql = `INSERT INTO ${t.name} (${columns.join(', ')}) VALUES ${batch.map(() => tuple).join(', ')} ON CONFLICT DO NOTHING`;
    inserted += (await q.run(sql, batch.flat())).changes;
    batch = [];
  };
  for (const row of rows) {
    total++;
    batch.push(row);
    if (batch.length >= perBatch) await flush();
  }
  await flush();
  return { table: t.name, rows: total, skipped: total - inserted };
}
