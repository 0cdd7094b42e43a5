import { expect, it } from 'vitest';
import { openPostgres, openSqlite, pgNeed } from '../../../../test/support/engines';
import { describeWith } from '../../../../test/support/needs';
import { latestVersion } from '../migrate';
import { migrations } from '../migrations';
import { pgMigrations } from './pgMigrate';

interface Column {
  table: string;
  column: string;
  type: string;
  notNull: boolean;
}

const SQLITE_TO_PG: Record<string, string> = { INTEGER: 'bigint', TEXT: 'text', REAL: 'double precision', BLOB: 'bytea' };

const byName = (a: Column, b: Column) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`);

// The two schemas are written twice (SQLite migrations, PostgreSQL scripts); this is what keeps them one
// schema: a column, a NOT NULL or an index added on one side only fails here.
describeWith(pgNeed, 'the PostgreSQL schema mirrors the SQLite schema', () => {
  it('is at the same version', () => {
    expect(pgMigrations.at(-1)?.version).toBe(latestVersion(migrations));
  });

  it('has the same tables, columns, types and NOT NULLs', async () => {
    const { db } = await openSqlite();
    const tables = db.conn
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .all() as { name: string }[];
    const sqlite: Column[] = tables.flatMap(({ name }) =>
      (db.conn.pragma(`table_info(${name})`) as { name: string; type: string; notnull: number; pk: number }[]).map((c) => ({
        table: name,
        column: c.name,
        type: SQLITE_TO_PG[c.type] ?? c.type,
        notNull: c.notnull === 1 || c.pk > 0,
      })),
    );
    const { engine } = await openPostgres();
    const pg = (
      await engine.all<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
        `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> 'circletake_schema' AND table_name NOT LIKE 'studio\\_%'
           AND column_name <> 'rowid'`, // SQLite's rowid is implicit; PostgreSQL's is a column (migration 0830)
      )
    ).map((c) => ({ table: c.table_name, column: c.column_name, type: c.data_type, notNull: c.is_nullable === 'NO' }));
    expect(pg.sort(byName)).toEqual(sqlite.sort(byName));
  });

  it('has the same named indexes', async () => {
    const { db } = await openSqlite();
    const sqlite = (
      db.conn.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'`).all() as { name: string }[]
    ).map((r) => r.name);
    const { engine } = await openPostgres();
    const pg = (
      await engine.all<{ indexname: string }>(
        `SELECT i.indexname FROM pg_indexes i WHERE i.schemaname = 'public' AND i.tablename NOT LIKE 'studio\\_%' AND i.indexname NOT LIKE '%\\_rowid'
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
      )
    ).map((r) => r.indexname);
    expect(pg.sort()).toEqual(sqlite.sort());
  });
});
