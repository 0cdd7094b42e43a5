import type Database from 'better-sqlite3';
import { AppError } from '../../../../shared/errors';
import type { EngineInfo, Queryable, RunResult, SqlEngine, SqlParams, TxOptions } from './sqlEngine';

/**
 * The engine port over the app's SQLite file (opened by Db: WAL, synchronous=FULL, migrations).
 *
 * better-sqlite3 is synchronous, so every statement has finished when its promise is made; the port is
 * async only so the same repositories run on PostgreSQL. One connection means one transaction at a time:
 * a transaction holds the connection from BEGIN IMMEDIATE to COMMIT, and statements or transactions
 * started meanwhile wait their turn instead of joining it.
 */
export class SqliteEngine implements SqlEngine {
  readonly name = 'sqlite' as const;
  readonly forUpdate = '';
  private readonly statements = new Map<string, Prepared>();
  /** Settles when the open transaction (if any) has ended. */
  private turn: Promise<void> = Promise.resolve();
  private inTx = false;
  private pending: Pending[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private flushing = false;
  private committed = 0;
  private readonly riders = new Set<() => void>();
  /** The afterCommit work of the body running now (moved to the group's list when it succeeds). */
  private pieceHooks: (() => void)[] = [];
  /** What a transaction body is given: statements that run at once, inside the open transaction. */
  private readonly inside: Queryable = {
    forUpdate: '',
    all: <R>(sql: string, params: SqlParams = []) => settle(() => this.allNow<R>(sql, params)),
    get: <R>(sql: string, params: SqlParams = []) => settle(() => this.getNow<R>(sql, params)),
    run: (sql: string, params: SqlParams = []) => settle(() => this.runNow(sql, params)),
    // A nested savepoint (a settle inside a job's last transaction) is prepared once, like the group's own.
    exec: (script: string) => settle(() => (SAVEPOINT_SQL.test(script) ? this.control(script) : void this.conn.exec(script))),
    afterCommit: (fn) => this.pieceHooks.push(fn),
  };

  constructor(
    private readonly conn: Database.Database,
    private readonly file: string,
  ) {}

  /** True while a transaction of this engine holds the connection (Db's synchronous paths check it). */
  get busy(): boolean {
    return this.inTx;
  }

  all<T>(sql: string, params: SqlParams = []): Promise<T[]> {
    return this.inTx ? this.afterTurn(() => this.allNow<T>(sql, params)) : settle(() => this.allNow<T>(sql, params));
  }

  get<T>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    return this.inTx ? this.afterTurn(() => this.getNow<T>(sql, params)) : settle(() => this.getNow<T>(sql, params));
  }

  run(sql: string, params: SqlParams = []): Promise<RunResult> {
    return this.inTx ? this.afterTurn(() => this.runNow(sql, params)) : settle(() => this.runNow(sql, params));
  }

  afterCommit(fn: () => void): void {
    runAll([fn]);
  }

  exec(script: string): Promise<void> {
    return this.inTx ? this.afterTurn(() => this.conn.exec(script)).then(() => {}) : settle(() => void this.conn.exec(script));
  }

  /**
   * Group commit: transactions asked for in the same turn of the event loop share one BEGIN IMMEDIATE …
   * COMMIT, so one fsync (synchronous=FULL) makes all of them durable. Each body runs alone, one after
   * another, in its own SAVEPOINT: a body that throws is rolled back alone and its promise rejects, the
   * others commit. Every promise settles after the COMMIT returned, so a caller that awaits one knows its
   * writes are on disk. (The same rule as Db.group, for code on the port.)
   */
  tx<T>(fn: (q: Queryable) => Promise<T>, _opts?: TxOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn: fn as (q: Queryable) => Promise<unknown>, resolve: resolve as (v: unknown) => void, reject });
      this.scheduled ??= setImmediate(() => void this.flush());
    });
  }

  /**
   * Synchronous work that rides along in every group commit after the queued bodies, each in its own
   * savepoint (the SQLite change feed writes its buffered events there; Db.rideAlong registers here too).
   * A rider that throws costs only its own writes.
   */
  addRider(fn: () => void): () => void {
    this.riders.add(fn);
    return () => this.riders.delete(fn);
  }

  /** Transactions queued and not yet committed. */
  get hasPending(): boolean {
    return this.pending.length > 0 || this.flushing;
  }

  /** Refuses the transactions queued and not started (the connection is closing without waiting for them). */
  abandon(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    for (const p of this.pending.splice(0)) p.reject(new AppError('DB_UNAVAILABLE', 'The database closed before this change was committed; nothing of it was saved.', { reason: 'closed' }));
  }

  /** Commits made so far (one per group), for tests and benches. */
  get commits(): number {
    return this.committed;
  }

  private async flush(): Promise<void> {
    this.scheduled = null;
    if (this.flushing) return; // the running flush takes what was queued meanwhile
    this.flushing = true;
    try {
      while (this.pending.length > 0) await this.commitGroup(this.pending.splice(0));
    } finally {
      this.flushing = false;
    }
  }

  private async commitGroup(batch: Pending[]): Promise<void> {
    let release!: () => void;
    this.turn = new Promise<void>((r) => (release = r));
    this.inTx = true;
    const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    const hooks: (() => void)[] = [];
    try {
      if (this.conn.inTransaction) throw new AppError('INTERNAL', 'A SQLite transaction is already open on this connection; an engine transaction cannot nest inside it.');
      this.control('BEGIN IMMEDIATE');
      for (const p of batch) {
        this.control('SAVEPOINT piece');
        this.pieceHooks = [];
        try {
          results.push({ ok: true, value: await p.fn(this.inside) });
          this.control('RELEASE piece');
          hooks.push(...this.pieceHooks);
        } catch (error) {
          this.control('ROLLBACK TO piece');
          this.control('RELEASE piece');
          results.push({ ok: false, error });
        }
      }
      for (const ride of this.riders) {
        this.control('SAVEPOINT ride');
        try {
          ride();
          this.control('RELEASE ride');
        } catch {
          this.control('ROLLBACK TO ride');
          this.control('RELEASE ride');
        }
      }
      this.control('COMMIT');
      this.committed++;
      runAll(hooks);
    } catch (error) {
      // BEGIN or COMMIT failed: nothing of the group is on disk.
      if (this.conn.inTransaction) this.conn.exec('ROLLBACK');
      for (const p of batch) p.reject(error);
      return;
    } finally {
      this.inTx = false;
      release();
    }
    batch.forEach((p, i) => {
      const r = results[i]!;
      if (r.ok) p.resolve(r.value);
      else p.reject(r.error);
    });
  }

  async info(): Promise<EngineInfo> {
    const version = this.conn.prepare('SELECT sqlite_version() AS v').get() as { v: string };
    return {
      engine: 'sqlite',
      serverVersion: `SQLite ${version.v}`,
      schemaVersion: this.conn.pragma('user_version', { simple: true }) as number,
      where: this.file,
    };
  }

  async close(): Promise<void> {
    while (this.pending.length > 0 || this.flushing) await this.flushNow();
    await this.turn;
    this.statements.clear();
  }

  private async flushNow(): Promise<void> {
    if (this.scheduled) clearImmediate(this.scheduled);
    if (this.flushing) await this.turn;
    else await this.flush();
  }

  private afterTurn<T>(work: () => T): Promise<T> {
    return this.turn.then(work);
  }

  private statement(sql: string): Prepared {
    let p = this.statements.get(sql);
    if (!p) {
      const s = this.conn.prepare(sql);
      p = { s, row: s.reader ? rowBuilder(s.columns().map((c) => c.name)) : null };
      if (p.row) s.raw(true);
      this.statements.set(sql, p);
    }
    return p;
  }

  /** A transaction-control statement, prepared once (exec would parse it on every group). */
  private control(sql: string): void {
    this.statement(sql).s.run();
  }

  private allNow<T>(sql: string, params: SqlParams): T[] {
    const { s, row } = this.statement(sql);
    const rows = s.all(...params) as unknown[];
    if (row) for (let i = 0; i < rows.length; i++) rows[i] = row(rows[i] as unknown[]);
    return rows as T[];
  }

  private getNow<T>(sql: string, params: SqlParams): T | undefined {
    const { s, row } = this.statement(sql);
    const got = s.get(...params) as unknown[] | undefined;
    return (got && row ? row(got) : got) as T | undefined;
  }

  private runNow(sql: string, params: SqlParams): RunResult {
    const { s } = this.statement(sql);
    if (!s.reader) return { changes: s.run(...params).changes };
    return { changes: s.all(...params).length };
  }
}

/** One savepoint statement with a plain name (a body's nested savepoint): cached as a prepared statement. */
const SAVEPOINT_SQL = /^(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT) [A-Za-z_][A-Za-z0-9_]*$/;

/** A prepared statement; a reader runs raw (arrays) and `row` makes each array its row object. */
interface Prepared {
  s: Database.Statement;
  row: ((values: unknown[]) => Record<string, unknown>) | null;
}

const builders = new Map<string, (values: unknown[]) => Record<string, unknown>>();

/**
 * The row object for a reader's columns, built by a function made once per list of column names (and
 * shared by every statement with that list). better-sqlite3 builds a row by adding its columns one by one
 * from C++, and a row of more than about 16 columns (a job has 38) turns into a slow dictionary object;
 * an object literal of the same columns takes half the time and gives every row of a table one shape, so
 * the code that reads them stays fast. Same semantics as better-sqlite3's rows: own properties in column
 * order, a repeated name keeps its last value. Names are quoted by JSON.stringify; a statement with a
 * column named __proto__ (which a literal would treat as the prototype) keeps better-sqlite3's rows.
 */
function rowBuilder(names: readonly string[]): ((values: unknown[]) => Record<string, unknown>) | null {
  if (names.includes('__proto__')) return null;
  const key = JSON.stringify(names);
  let build = builders.get(key);
  if (!build) {
    // The function's text is the statement's column names, each a quoted JSON string: nothing else.
    build = new Function('v', `return { ${names.map((n, i) => `${JSON.stringify(n)}: v[${i}]`).join(', ')} };`) as (values: unknown[]) => Record<string, unknown>;
    builders.set(key, build);
  }
  return build;
}

interface Pending {
  fn: (q: Queryable) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

function runAll(fns: readonly (() => void)[]): void {
  for (const fn of fns) {
    try {
      fn();
    } catch {
      // After-commit work may not undo the commit; a failing one costs only itself.
    }
  }
}

function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (e) {
    return Promise.reject(e as Error);
  }
}
