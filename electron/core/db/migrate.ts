import type Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors';
import type { Migration } from './migration';

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}

/** Throws unless versions are strictly ascending positive integers. */
export function assertAscending(migrations: readonly Migration[]): void {
  let prev = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= prev) {
      throw new AppError('INTERNAL', `Migrations out of order: ${m.version} (${m.name}) after ${prev}`);
    }
    prev = m.version;
  }
}

export function pendingMigrations(migrations: readonly Migration[], current: number): Migration[] {
  return migrations.filter((m) => m.version > current);
}

/**
 * Applies pending migrations in one IMMEDIATE transaction and sets user_version.
 * Refuses a database from the future. Returns the versions applied.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], file: string): number[] {
  assertAscending(migrations);
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = latestVersion(migrations);
  if (current > latest) {
    throw new AppError(
      'DB_FROM_FUTURE',
      `The database ${file} is at version ${current}, newer than this app knows (version ${latest}). Update Circle Take, or open a different data dir.`,
      { file, dbVersion: current, appVersion: latest },
    );
  }
  if (pendingMigrations(migrations, current).length === 0) return [];
  // Decide inside the IMMEDIATE transaction: several processes opening a new data dir at once all see
  // version 0 outside it, but only the first to get the write lock migrates; the rest find it done.
  const run = db.transaction((): number[] => {
    const now = db.pragma('user_version', { simple: true }) as number;
    const pending = pendingMigrations(migrations, now);
    for (const m of pending) m.up(db);
    if (pending.length > 0) db.pragma(`user_version = ${latest}`);
    return pending.map((m) => m.version);
  });
  return run.immediate();
}
