import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { Clock, Logger } from '../ports';
import { SqliteEngine } from './engine/sqliteEngine';
import { latestVersion, migrate, pendingMigrations } from './migrate';
import type { Migration } from './migration';
import { migrations as allMigrations } from './migrations';

export interface DbOptions {
  file: string;
  logger: Logger;
  clock: Clock;
  /** Path to a better-sqlite3 binary built for this runtime (Electron passes its own build). */
  nativeBinding?: string;
  migrations?: readonly Migration[];
  /** How many pre-migration backups to keep. */
  keepBackups?: number;
}

/** A handle that may only read. Repositories that never write take this type. */
export type ReadDb = Pick<Database.Database, 'prepare' | 'pragma'>;

/**
 * The app's SQLite database: WAL, foreign keys, synchronous=FULL, migrations by user_version,
 * a backup copy before migrating, and a refusal (file untouched) for a database from the future
 * or a corrupt file.
 */
export class Db {
  readonly conn: Database.Database;
  readonly file: string;
  readonly backupDir: string;
  readonly appliedMigrations: number[];
  /**
   * The engine port over the same connection (engine/sqlEngine.ts): repositories moved onto the port run
   * here. Its transactions are group commits too. A synchronous Db call made inside an engine transaction
   * body joins that transaction (better-sqlite3 nests it as a savepoint), so code on the port and code not
   * yet moved can share one transaction; never await Db.group inside an engine body.
   */
  readonly engine: SqliteEngine;
  /**
   * One transaction function for every call: it runs the function it is given. better-sqlite3 builds four
   * wrappers per `conn.transaction(fn)`, which hot paths (every ledger write, every piece of a group commit)
   * would otherwise pay each time. Nested inside an open transaction it is a savepoint, as before.
   */
  private readonly tx: Database.Transaction<(fn: () => unknown) => unknown>;

  private constructor(conn: Database.Database, file: string, backupDir: string, applied: number[]) {
    this.conn = conn;
    this.file = file;
    this.backupDir = backupDir;
    this.appliedMigrations = applied;
    this.tx = conn.transaction((fn: () => unknown) => fn());
    this.engine = new SqliteEngine(conn, file);
  }

  static open(opts: DbOptions): Db {
    const migrations = opts.migrations ?? allMigrations;
    const latest = latestVersion(migrations);
    const backupDir = join(dirname(opts.file), 'backups');
    mkdirSync(dirname(opts.file), { recursive: true });
    const driverOpts: Database.Options = opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {};

    let current = 0;
    refuseEmptyBesideData(opts.file, backupDir);
    if (existsSync(opts.file) && statSync(opts.file).size > 0) {
      // Inspect read-only first, so a refused file is never written to.
      current = inspect(opts.file, driverOpts, backupDir);
      if (current > latest) {
        throw new AppError(
          'DB_FROM_FUTURE',
          `The database ${opts.file} is at version ${current}, newer than this app knows (version ${latest}). Update Circle Take, or open a different data dir.`,
          { file: opts.file, dbVersion: current, appVersion: latest },
        );
      }
      if (current > 0 && pendingMigrations(migrations, current).length > 0) {
        backup(opts, driverOpts, backupDir, current);
      }
    }

    const conn = new Database(opts.file, driverOpts);
    try {
      conn.pragma('busy_timeout = 5000');
      toWal(conn);
      conn.pragma('foreign_keys = ON');
      conn.pragma('synchronous = FULL');
      if (process.platform === 'darwin') conn.pragma('fullfsync = ON');
      // Every group commit runs each transaction in its own SAVEPOINT, and SQLite keeps the pages a
      // savepoint changes in a statement journal. On disk (the default) that journal spills to a temporary
      // file once it passes 64 KiB, which a job's submit or settle does: the same rows cost 2–8× more to
      // write inside a group than alone. Kept in memory, the queue bench went from ~575 to ~735 jobs/s.
      // The same setting keeps SQLite's temporary tables and sorts that outgrow the cache in memory too.
      conn.pragma('temp_store = MEMORY');
      const applied = migrate(conn, migrations, opts.file);
      if (applied.length > 0) {
        opts.logger.log('info', 'database migrated', { file: basename(opts.file), from: current, to: latest });
      }
      return new Db(conn, opts.file, backupDir, applied);
    } catch (e) {
      conn.close();
      throw e;
    }
  }

  get version(): number {
    return this.conn.pragma('user_version', { simple: true }) as number;
  }

  /** Runs synchronous work in a BEGIN IMMEDIATE transaction (use for anything that debits). */
  immediate<T>(fn: () => T): T {
    return this.tx.immediate(fn) as T;
  }

  /** Runs `fn` in a savepoint of the open transaction (its own transaction when none is open): a throw undoes only its writes. */
  savepoint<T>(fn: () => T): T {
    return this.tx(fn) as T;
  }

  /**
   * The same, sharing its commit (one fsync) with the other work queued in this turn of the event loop;
   * resolves once that commit is on disk (the engine's group commit, engine/sqliteEngine.ts). For hot paths that can wait for a tick.
   */
  group<T>(fn: () => T): Promise<T> {
    // The engine's group commit: synchronous pieces and engine transactions of one tick share one COMMIT.
    return this.engine.tx(async () => fn());
  }

  /** Runs `fn` inside every group commit (see SqliteEngine.addRider); returns the way to stop. */
  rideAlong(fn: () => void): () => void {
    return this.engine.addRider(fn);
  }

  /** Waits for the engine's queued transactions, then closes (prefer this where the caller can await). */
  async close(): Promise<void> {
    // Work queued while the last group committed (a continuation of it) is committed too, a few rounds at most.
    for (let round = 0; round < 10; round++) {
      await this.engine.close();
      await new Promise((r) => setImmediate(r));
      if (!this.engine.hasPending) break;
    }
    this.dispose();
  }

  dispose(): void {
    // Work queued and not yet committed was never acknowledged; it is refused, not lost silently (close() commits it).
    this.engine.abandon();
    if (this.conn.open) this.conn.close();
  }
}

/**
 * A 0-byte database beside stored takes or backups is a lost ledger, not a first run: starting fresh
 * would grant new credits over the old books. Refused, naming the latest backup.
 */
function refuseEmptyBesideData(file: string, backupDir: string): void {
  if (!existsSync(file) || statSync(file).size > 0) return;
  const dir = dirname(file);
  const hasStores = ['preview', 'release'].some((d) => existsSync(join(dir, d)) && readdirSync(join(dir, d)).some((f) => !f.startsWith('.')));
  const backupFile = latestBackup(backupDir);
  if (!hasStores && !backupFile) return;
  throw new AppError(
    'DB_CORRUPT',
    `The database ${file} is empty (0 bytes) but this data dir holds ${backupFile ? 'backups' : 'stored takes'}: starting fresh would lose the ledger. ` +
      (backupFile ? `Copy the latest backup ${backupFile} over it to restore.` : 'Restore circletake.db from your own backup, or open a different data dir.'),
    { file, backup: backupFile, reason: 'empty' },
  );
}

export function latestBackup(backupDir: string): string | null {
  if (!existsSync(backupDir)) return null;
  const files = readdirSync(backupDir)
    .filter((f) => f.endsWith('.db'))
    .sort();
  const last = files[files.length - 1];
  return last ? join(backupDir, last) : null;
}

function inspect(file: string, driverOpts: Database.Options, backupDir: string): number {
  let ro: Database.Database | undefined;
  try {
    ro = new Database(file, { ...driverOpts, readonly: true, fileMustExist: true });
    const check = ro.pragma('quick_check(1)', { simple: true });
    if (check !== 'ok') throw new Error(`quick_check: ${String(check)}`);
    return ro.pragma('user_version', { simple: true }) as number;
  } catch (e) {
    const backupFile = latestBackup(backupDir);
    throw new AppError(
      'DB_CORRUPT',
      `The database ${file} cannot be read (${(e as Error).message}). It was left untouched. ` +
        (backupFile ? `The latest backup is ${backupFile}: copy it over the damaged file to restore.` : 'No backup exists yet; move the file aside to start fresh.'),
      { file, backup: backupFile },
      { cause: e },
    );
  } finally {
    ro?.close();
  }
}

function backup(opts: DbOptions, driverOpts: Database.Options, backupDir: string, fromVersion: number): void {
  mkdirSync(backupDir, { recursive: true });
  const stamp = new Date(opts.clock.now()).toISOString().replace(/[:.]/g, '-');
  const target = join(backupDir, `circletake-v${fromVersion}-${stamp}.db`);
  const tmp = `${target}.partial`;
  const ro = new Database(opts.file, { ...driverOpts, readonly: true, fileMustExist: true });
  try {
    ro.prepare('VACUUM INTO ?').run(tmp);
  } finally {
    ro.close();
  }
  renameSync(tmp, target);
  opts.logger.log('info', 'database backed up before migrating', { backup: basename(target) });
  prune(backupDir, opts.keepBackups ?? 5, opts.logger);
}

/** Keeps the newest `keep` backups and removes older ones. */
function prune(backupDir: string, keep: number, logger: Logger): void {
  const files = readdirSync(backupDir)
    .filter((f) => f.endsWith('.db'))
    .sort();
  for (const f of files.slice(0, Math.max(0, files.length - keep))) {
    try {
      unlinkSync(join(backupDir, f));
    } catch (e) {
      logger.log('warn', 'could not remove an old backup', { backup: f, error: String(e) });
    }
  }
}

/**
 * Switches a connection to WAL. On a new file, several processes opening it at once (first use, four CLI
 * commands) race for the lock the switch needs, and SQLite may answer "database is locked" at once rather
 * than wait (a busy handler cannot break a lock upgrade two readers are both waiting on): the switch is
 * tried again for up to 10 s, then the error is the caller's.
 */
export function toWal(conn: Database.Database): void {
  const deadline = Date.now() + 10_000;
  for (let attempt = 0; ; attempt++) {
    try {
      conn.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') && !code.startsWith('SQLITE_LOCKED')) throw e;
      if (Date.now() >= deadline) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(200, 10 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random() / 2));
    }
  }
}
