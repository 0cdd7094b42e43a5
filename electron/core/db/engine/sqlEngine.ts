/**
 * The engine port: the one way repositories reach a database, whichever engine holds it.
 *
 * Two engines implement it: SQLite (one person, a file in the data dir; sqliteEngine.ts) and PostgreSQL
 * (a team, one studio database; pgEngine.ts). Repositories write plain SQL with `?` placeholders in the
 * dialect both engines share (ON CONFLICT … DO NOTHING/UPDATE, RETURNING, CTEs, partial indexes); the
 * PostgreSQL engine numbers the placeholders. What differs between engines lives in the engines and in
 * the schema files, nowhere else.
 *
 * Why raw SQL and not a query builder: every repository already holds reviewed SQL that runs on
 * SQLite's WAL + synchronous=FULL path at the fsync floor; a builder would rewrite all of it and put a
 * layer between the benches and the statements. Numbered placeholders and a handful of constraint and
 * retry codes are the only dialect differences the repositories meet.
 */

export type SqlValue = string | number | bigint | null | Uint8Array;
export type SqlParams = readonly SqlValue[];

export interface RunResult {
  /** Rows inserted, updated or deleted by the statement. */
  changes: number;
}

/** Statements, in or out of a transaction. Statements are prepared once per text and reused. */
export interface Queryable {
  all<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T | undefined>;
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  /** A script of several statements with no parameters (schema migrations). */
  exec(script: string): Promise<void>;
  /**
   * Appended to a SELECT that reads rows the transaction will decide on and then change: ` FOR UPDATE`
   * on PostgreSQL (the row is locked until COMMIT; a competing mover waits, then reads the new version),
   * empty on SQLite (BEGIN IMMEDIATE already holds the only write lock).
   */
  readonly forUpdate: string;
  /**
   * Runs `fn` once the transaction this Queryable belongs to has committed (at once outside a
   * transaction): where a repository announces what it wrote. Never runs for a body that was rolled
   * back, or for an attempt that PostgreSQL made run again. `fn` must not throw (it is logged nowhere).
   */
  afterCommit(fn: () => void): void;
}

export interface TxOptions {
  /**
   * How often a transaction that lost a serialization race or a deadlock (PostgreSQL 40001, 40P01) is
   * run again before the caller gets DB_UNAVAILABLE. The body must be safe to re-run: it may only touch
   * the database through the Queryable it is given.
   */
  retries?: number;
  /**
   * The body is guarded by an idempotency key (a ledger op id, a job's key): when the connection is lost
   * while COMMIT is in flight, its outcome is unknown, and only an idempotent body may be run again to
   * find out. Others get DB_UNAVAILABLE saying the outcome is unknown.
   */
  idempotent?: boolean;
  /**
   * 'serializable' (the default): PostgreSQL detects any interleaving that no serial order explains and
   * the engine runs the loser again. 'lockRows': READ COMMITTED, and the body locks what it decides on
   * (`SELECT … FOR UPDATE` via q.forUpdate, in a fixed order so two movers never deadlock). For money on a hot
   * pool: every move updates the pool's account row, so SERIALIZABLE turns concurrent moves into
   * retries (8 movers on one pool exhaust 10 retries, `npm run bench engine`), while locking the
   * account rows first queues them. SQLite has one writer, so both are the same there.
   */
  isolation?: 'serializable' | 'lockRows';
  /**
   * Transactions naming the same writer run one at a time, as every transaction does on SQLite's single
   * writer: on PostgreSQL, READ COMMITTED and a transaction-scoped advisory lock on the name taken first,
   * so each statement after it sees everything the writer's previous transactions committed. For the
   * queue's money transactions (submit, settle, cancel, retry) and the ledger's own: they read balances,
   * caps, spend totals and idempotency keys, decide, and write, so under SERIALIZABLE every two that
   * overlap made one of them run again, and 8 concurrent submitters exhausted the retries
   * (`npm run bench pgqueue`, docs/perf.md). SQLite ignores it (one writer already).
   */
  writer?: string;
}

/** The writer every transaction that moves credits names (TxOptions.writer). */
export const MONEY_WRITER = 'circletake.money';

export type EngineName = 'sqlite' | 'postgres';

export interface EngineInfo {
  engine: EngineName;
  /** `SQLite 3.x` or `PostgreSQL 18.x`. */
  serverVersion: string;
  /** The schema version in the database (the highest migration applied). */
  schemaVersion: number;
  /** Where the data lives: a file path, or host:port/database with no credentials. */
  where: string;
}

export interface SqlEngine extends Queryable {
  readonly name: EngineName;
  /**
   * Runs `fn` in one transaction: SERIALIZABLE on PostgreSQL, BEGIN IMMEDIATE on SQLite (one writer,
   * so serializable too). Commits when `fn` resolves, rolls back when it throws. `fn` must do only
   * database work through `q`: no timers, no network, no other transaction.
   */
  tx<T>(fn: (q: Queryable) => Promise<T>, opts?: TxOptions): Promise<T>;
  info(): Promise<EngineInfo>;
  close(): Promise<void>;
}

export type ConstraintKind = 'unique' | 'check' | 'foreignKey' | 'notNull' | 'appendOnly';

/**
 * What a constraint failure was, in terms both engines share, so a repository can turn "the pool's
 * CHECK refused the overdraft" or "the idempotency key already exists" into its own answer.
 */
export function constraintOf(e: unknown): ConstraintKind | null {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  switch (code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
    case '23505':
      return 'unique';
    case 'SQLITE_CONSTRAINT_CHECK':
    case '23514':
      return 'check';
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
    case '23503':
      return 'foreignKey';
    case 'SQLITE_CONSTRAINT_NOTNULL':
    case '23502':
      return 'notNull';
    case 'SQLITE_CONSTRAINT_TRIGGER':
    case 'P0001':
      return /append-only/.test(String((e as Error).message)) ? 'appendOnly' : null;
    default:
      return null;
  }
}

/**
 * `?` placeholders → `$1, $2, …` for PostgreSQL, leaving `?` inside quoted strings, quoted identifiers
 * and comments alone. Cached per text by the engine.
 */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = closingQuote(sql, i, c);
      out += sql.slice(i, end + 1);
      i = end;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      out += `$${++n}`;
    } else {
      out += c;
    }
  }
  return out;
}

function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i;
    } else i++;
  }
  return sql.length - 1;
}
