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
  private readonly statements = new Map<string, Database.Statement>();
  /** Settles when the open transaction (if any) has ended. */
  private turn: Promise<void> = Promise.resolve();
  private inTx = false;

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

  exec(script: string): Promise<void> {
    return this.inTx ? this.afterTurn(() => this.conn.exec(script)).then(() => {}) : settle(() => void this.conn.exec(script));
  }

  tx<T>(fn: (q: Queryable) => Promise<T>, _opts?: TxOptions): Promise<T> {
    const previous = this.turn;
    let release!: () => void;
    this.turn = new Promise<void>((r) => (release = r));
    return previous.then(async () => {
      if (this.conn.inTransaction) {
        release();
        throw new AppError('INTERNAL', 'A SQLite transaction is already open on this connection; an engine transaction cannot nest inside it.');
      }
      this.inTx = true;
      this.conn.exec('BEGIN IMMEDIATE');
      const q: Queryable = {
        forUpdate: '',
        all: <R>(sql: string, params: SqlParams = []) => settle(() => this.allNow<R>(sql, params)),
        get: <R>(sql: string, params: SqlParams = []) => settle(() => this.getNow<R>(sql, params)),
        run: (sql: string, params: SqlParams = []) => settle(() => this.runNow(sql, params)),
        exec: (script: string) => settle(() => void this.conn.exec(script)),
      };
      try {
        const value = await fn(q);
        this.conn.exec('COMMIT');
        return value;
      } catch (e) {
        if (this.conn.inTransaction) this.conn.exec('ROLLBACK');
        throw e;
      } finally {
        this.inTx = false;
        release();
      }
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
    await this.turn;
    this.statements.clear();
  }

  private afterTurn<T>(work: () => T): Promise<T> {
    return this.turn.then(work);
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.conn.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private allNow<T>(sql: string, params: SqlParams): T[] {
    return this.statement(sql).all(...params) as T[];
  }

  private getNow<T>(sql: string, params: SqlParams): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  private runNow(sql: string, params: SqlParams): RunResult {
    const s = this.statement(sql);
    if (!s.reader) return { changes: s.run(...params).changes };
    return { changes: s.all(...params).length };
  }
}

function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (e) {
    return Promise.reject(e as Error);
  }
}
