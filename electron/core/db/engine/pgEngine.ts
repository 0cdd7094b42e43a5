import { createHash } from 'node:crypto';
import pg from 'pg';
import { AppError } from '../../../../shared/errors';
import { numberPlaceholders, type EngineInfo, type Queryable, type RunResult, type SqlEngine, type SqlParams, type TxOptions } from './sqlEngine';
import { isLostConnection, isRetryable, pgAnswer, describeUrl } from './pgErrors';

export interface PgEngineOptions {
  /** postgres://user:password@host:port/database (the password never reaches a log or an answer). */
  url: string;
  /** Connections in the pool (default 10). */
  max?: number;
  /** Any one statement longer than this is cancelled and answered as DB_UNAVAILABLE (default 15 s). */
  statementTimeoutMs?: number;
  /** Serialization failures and deadlocks retried per transaction unless the caller says otherwise (default 10). */
  retries?: number;
  applicationName?: string;
  /** The table holding the schema version (migrations write it). */
  schemaTable?: string;
}

/** Counters a test or `doctor` can read: how often the engine had to run a transaction again. */
export interface PgEngineStats {
  serializationRetries: number;
  deadlockRetries: number;
  lostConnectionRetries: number;
}

const INT8 = 20;
const NUMERIC = 1700;

/**
 * Credits and times are integers within 2^53 (credit bounds are 10^15 in total), so BIGINT and
 * NUMERIC sums come back as numbers, and a value that would not fit is an error, never a rounding.
 */
function exactNumber(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) && !(Number.isFinite(n) && text.includes('.'))) {
    throw new AppError('INTERNAL', `A database number (${text}) does not fit a JavaScript number exactly.`);
  }
  return n;
}

const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8 || oid === NUMERIC ? exactNumber : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * The engine port over PostgreSQL, for a studio: a connection pool with a statement timeout, statements
 * prepared once per connection (named by the hash of their text), and transactions at SERIALIZABLE
 * that are run again, a bounded number of times with jitter, when PostgreSQL reports a serialization
 * failure (40001) or a deadlock (40P01). A connection lost mid-transaction rolls the transaction back on
 * the server; the body runs again on a fresh connection. A connection lost while COMMIT is in flight
 * leaves the outcome unknown: only an idempotent body is run again, others are answered as such.
 */
export class PgEngine implements SqlEngine {
  readonly name = 'postgres' as const;
  readonly forUpdate = ' FOR UPDATE';
  readonly stats: PgEngineStats = { serializationRetries: 0, deadlockRetries: 0, lostConnectionRetries: 0 };
  private readonly pool: pg.Pool;
  private readonly names = new Map<string, { name: string; text: string }>();
  private readonly retries: number;
  private readonly schemaTable: string;
  private readonly where: string;
  private readonly url: string;
  private closing: Promise<void> | null = null;
  private readonly applicationName: string;

  constructor(opts: PgEngineOptions) {
    this.url = opts.url;
    this.applicationName = opts.applicationName ?? 'circletake';
    this.retries = opts.retries ?? 10;
    this.schemaTable = opts.schemaTable ?? 'circletake_schema';
    this.where = describeUrl(opts.url);
    this.pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.max ?? 10,
      statement_timeout: opts.statementTimeoutMs ?? 15_000,
      idle_in_transaction_session_timeout: 60_000,
      application_name: opts.applicationName ?? 'circletake',
      connectionTimeoutMillis: 10_000,
      types,
    });
    // An idle connection that the server closes must not take the process with it; the pool drops it.
    this.pool.on('error', () => {});
  }

  async all<T>(sql: string, params: SqlParams = []): Promise<T[]> {
    try {
      return (await this.pool.query(this.prepared(sql, params))).rows as T[];
    } catch (e) {
      throw pgAnswer(e, this.where);
    }
  }

  async get<T>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: SqlParams = []): Promise<RunResult> {
    try {
      return { changes: (await this.pool.query(this.prepared(sql, params))).rowCount ?? 0 };
    } catch (e) {
      throw pgAnswer(e, this.where);
    }
  }

  async exec(script: string): Promise<void> {
    try {
      await this.pool.query(script);
    } catch (e) {
      throw pgAnswer(e, this.where);
    }
  }

  async tx<T>(fn: (q: Queryable) => Promise<T>, opts: TxOptions = {}): Promise<T> {
    const retries = opts.retries ?? this.retries;
    for (let attempt = 0; ; attempt++) {
      const client = await this.connect();
      const onError = () => {};
      client.on('error', onError);
      let committing = false;
      try {
        await client.query(opts.isolation === 'lockRows' || opts.writer ? 'BEGIN ISOLATION LEVEL READ COMMITTED' : 'BEGIN ISOLATION LEVEL SERIALIZABLE');
        if (opts.writer) await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [opts.writer]);
        const committed: (() => void)[] = [];
        const value = await fn(this.queryable(client, committed));
        committing = true;
        await client.query('COMMIT');
        client.off('error', onError);
        client.release();
        runAll(committed);
        return value;
      } catch (e) {
        const lost = isLostConnection(e);
        if (!lost) await client.query('ROLLBACK').catch(() => {});
        client.off('error', onError);
        client.release(lost ? (e as Error) : undefined);
        if (lost && committing && !opts.idempotent) {
          throw new AppError(
            'DB_UNAVAILABLE',
            `The connection to ${this.where} was lost while a transaction was committing, so whether it was saved is unknown. Look before trying again.`,
            { where: this.where, reason: 'commit-unknown' },
            { cause: e },
          );
        }
        const again = attempt < retries && (lost || isRetryable(e));
        if (!again) throw pgAnswer(e, this.where, attempt);
        if (lost) this.stats.lostConnectionRetries++;
        else if ((e as { code?: string }).code === '40P01') this.stats.deadlockRetries++;
        else this.stats.serializationRetries++;
        await pause(attempt);
      }
    }
  }

  async info(): Promise<EngineInfo> {
    const v = await this.get<{ server_version: string }>("SELECT current_setting('server_version') AS server_version");
    const exists = await this.get<{ t: string | null }>('SELECT to_regclass(?) AS t', [this.schemaTable]);
    const schema = exists?.t
      ? await this.get<{ v: number | null }>(`SELECT max(version) AS v FROM ${this.schemaTable}`)
      : undefined;
    return { engine: 'postgres', serverVersion: `PostgreSQL ${v?.server_version ?? '?'}`, schemaVersion: schema?.v ?? 0, where: this.where };
  }

  /** Ends the pool; a second call waits for the first (a core disposed twice, a shared engine closed by each user). */
  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }

  /**
   * A session of its own that LISTENs on `channel` (outside the pool: it stays open). `onNotify` runs for
   * each notification, and once after every connect, so a listener that lost its session catches up on
   * what was committed meanwhile. A session that cannot open or is lost is opened again after `retryMs`,
   * for as long as the listener lives (the server may come back). Returns the way to stop.
   */
  async listen(channel: string, onNotify: () => void, retryMs = 1000): Promise<() => Promise<void>> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new AppError('INTERNAL', `Not a channel name: ${channel}`);
    let client: pg.Client | null = null;
    let isStopped = false;
    let timer: NodeJS.Timeout | null = null;
    const open = async (): Promise<void> => {
      const c = new pg.Client({ connectionString: this.url, application_name: `${this.applicationName}-listen`, connectionTimeoutMillis: 10_000 });
      const again = () => {
        if (isStopped || client !== c) return;
        client = null;
        c.end().catch(() => {});
        timer = setTimeout(() => void open(), retryMs);
        timer.unref?.();
      };
      client = c;
      c.on('error', again);
      c.on('end', again);
      c.on('notification', (n) => {
        if (n.channel === channel) onNotify();
      });
      try {
        await c.connect();
        await c.query(`LISTEN ${channel}`);
      } catch {
        again();
        return;
      }
      onNotify();
    };
    await open();
    return async () => {
      isStopped = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    };
  }

  /** One connection for work that must happen on the same session (advisory locks in migrations). */
  async session<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    const client = await this.connect();
    const onError = () => {};
    client.on('error', onError);
    try {
      return await fn(this.queryable(client));
    } finally {
      client.off('error', onError);
      client.release();
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (e) {
      throw pgAnswer(e, this.where);
    }
  }

  afterCommit(fn: () => void): void {
    runAll([fn]);
  }

  /** `committed`: where a transaction's afterCommit work waits for its COMMIT (outside one: run at once). */
  private queryable(client: pg.PoolClient, committed?: (() => void)[]): Queryable {
    return {
      forUpdate: ' FOR UPDATE',
      afterCommit: (fn) => (committed ? committed.push(fn) : runAll([fn])),
      all: async <R>(sql: string, params: SqlParams = []) => (await client.query(this.prepared(sql, params))).rows as R[],
      get: async <R>(sql: string, params: SqlParams = []) => (await client.query(this.prepared(sql, params))).rows[0] as R | undefined,
      run: async (sql: string, params: SqlParams = []) => ({ changes: (await client.query(this.prepared(sql, params))).rowCount ?? 0 }),
      exec: async (script: string) => {
        await client.query(script);
      },
    };
  }

  private prepared(sql: string, params: SqlParams): pg.QueryConfig {
    let p = this.names.get(sql);
    if (!p) {
      p = { name: `ct_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`, text: numberPlaceholders(sql) };
      this.names.set(sql, p);
    }
    return { name: p.name, text: p.text, values: params as unknown[] };
  }
}

/** 5–40 ms, doubling, with full jitter: enough for a competing transaction to commit. */
function pause(attempt: number): Promise<void> {
  const ceiling = Math.min(40, 5 * 2 ** attempt);
  return new Promise((r) => setTimeout(r, Math.random() * ceiling));
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
