import { AppError } from '../../../../shared/errors';
import type { PgEngine } from '../engine/pgEngine';
import { migrations as sqliteMigrations } from '../migrations';
import * as baseline from './0820-baseline';

/** One PostgreSQL schema step; versions match the SQLite migrations' user_version numbers. */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The baseline, then every later SQLite migration's PostgreSQL twin, so both engines share versions. A
 * migration without its twin stops the list there (and fails the schema parity test, which compares
 * the latest versions), so a studio is never migrated past a step it lacks.
 */
export const pgMigrations: readonly PgMigration[] = (() => {
  const list: PgMigration[] = [baseline];
  for (const m of sqliteMigrations.filter((x) => x.version > baseline.version)) {
    if (m.pg === undefined) break;
    list.push({ version: m.version, name: m.name, sql: m.pg });
  }
  return list;
})();

export const SCHEMA_TABLE = 'circletake_schema';

/** Any fixed number: every process that migrates this database takes the same advisory lock. */
const MIGRATION_LOCK = 0x0c17c1e;

/**
 * Brings a studio database to the latest schema, once, however many processes start at the same time:
 * the first to take the advisory lock migrates, the others wait and find it done. Each step commits
 * with its version row, so a crash between steps resumes at the next one. A database from a newer
 * Circle Take is refused untouched (DB_FROM_FUTURE). Returns the versions applied.
 */
export async function migratePg(engine: PgEngine, migrations: readonly PgMigration[] = pgMigrations): Promise<number[]> {
  const latest = migrations.at(-1)?.version ?? 0;
  return engine.session(async (q) => {
    await q.get('SELECT pg_advisory_lock(?)', [MIGRATION_LOCK]);
    try {
      await q.exec(
        `CREATE TABLE IF NOT EXISTS ${SCHEMA_TABLE} (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
      );
      const row = await q.get<{ v: number | null }>(`SELECT max(version) AS v FROM ${SCHEMA_TABLE}`);
      const current = row?.v ?? 0;
      if (current > latest) {
        const where = (await engine.info()).where;
        throw new AppError(
          'DB_FROM_FUTURE',
          `The studio database ${where} is at schema version ${current}, newer than this app knows (version ${latest}). Update Circle Take on this machine.`,
          { where, dbVersion: current, appVersion: latest },
        );
      }
      const applied: number[] = [];
      for (const m of migrations.filter((x) => x.version > current)) {
        await q.exec('BEGIN');
        try {
          await q.exec(m.sql);
          await q.run(`INSERT INTO ${SCHEMA_TABLE} (version, name) VALUES (?, ?)`, [m.version, m.name]);
          await q.exec('COMMIT');
        } catch (e) {
          await q.exec('ROLLBACK').catch(() => {});
          throw e;
        }
        applied.push(m.version);
      }
      return applied;
    } finally {
      await q.get('SELECT pg_advisory_unlock(?)', [MIGRATION_LOCK]).catch(() => {});
    }
  });
}
