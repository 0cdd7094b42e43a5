import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../nodePorts';
import { tempDir } from '../../../test/support/tmp';
import { Db } from './db';
import { assertAscending, migrate } from './migrate';
import type { Migration } from './migration';
import { migrations } from './migrations';
import * as m0010 from './migrations/0010-create-projects';

const clock = { now: () => Date.parse('2026-11-22T10:00:00Z') };
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});
function tmpFile() {
  const t = tempDir('ct-db-');
  cleanups.push(t.cleanup);
  return join(t.dir, 'circletake.db');
}
const step = (version: number, sql: string): Migration => ({ version, name: `m${version}`, up: (db) => db.exec(sql) });

describe('migration runner', () => {
  it('refuses versions that are not ascending', () => {
    expect(() => assertAscending([step(20, ''), step(10, '')])).toThrow(/out of order/);
    expect(() => assertAscending([step(10, ''), step(10, '')])).toThrow(/out of order/);
    expect(() => assertAscending(migrations)).not.toThrow();
  });

  it('applies pending migrations in one transaction and sets user_version', () => {
    const db = new Database(':memory:');
    const applied = migrate(db, [step(10, 'CREATE TABLE a(x)'), step(20, 'CREATE TABLE b(x)')], ':memory:');
    expect(applied).toEqual([10, 20]);
    expect(db.pragma('user_version', { simple: true })).toBe(20);
    expect(migrate(db, [step(10, ''), step(20, '')], ':memory:')).toEqual([]);
  });

  it('rolls back every step when one fails, leaving user_version where it was', () => {
    const db = new Database(':memory:');
    migrate(db, [step(10, 'CREATE TABLE a(x)')], ':memory:');
    expect(() => migrate(db, [step(10, ''), step(20, 'CREATE TABLE b(x)'), step(30, 'NOT SQL')], ':memory:')).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(10);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'b'").get()).toEqual({ n: 0 });
  });

  it('0010 creates projects with a unique live name', () => {
    const db = new Database(':memory:');
    m0010.up(db);
    db.prepare("INSERT INTO projects VALUES ('p1','Spot','t','t',NULL)").run();
    expect(() => db.prepare("INSERT INTO projects VALUES ('p2','spot','t','t',NULL)").run()).toThrow(/UNIQUE/);
    db.prepare("UPDATE projects SET deleted_at = 't' WHERE id = 'p1'").run();
    expect(() => db.prepare("INSERT INTO projects VALUES ('p2','spot','t','t',NULL)").run()).not.toThrow();
  });
});

describe('Db.open', () => {
  it('opens with WAL, foreign keys, synchronous=FULL and statement journals in memory', () => {
    const db = Db.open({ file: tmpFile(), logger: silentLogger, clock });
    expect(db.conn.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.conn.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.conn.pragma('synchronous', { simple: true })).toBe(2);
    // 2 = MEMORY: a group commit's savepoints keep what they change in memory (docs/perf.md, the queue bench).
    expect(db.conn.pragma('temp_store', { simple: true })).toBe(2);
    expect(db.version).toBe(migrations[migrations.length - 1]!.version);
    db.dispose();
  });

  it('refuses a database from a newer version, naming both versions, and leaves the file untouched', () => {
    const file = tmpFile();
    const raw = new Database(file);
    raw.pragma('user_version = 9990');
    raw.close();
    const before = sha(file);
    expect(() => Db.open({ file, logger: silentLogger, clock })).toThrow(/version 9990.*version \d+/);
    try {
      Db.open({ file, logger: silentLogger, clock });
    } catch (e) {
      expect((e as { code: string }).code).toBe('DB_FROM_FUTURE');
    }
    expect(sha(file)).toBe(before);
  });

  it('refuses a corrupt file with its name and the latest backup, and leaves it untouched', () => {
    const file = tmpFile();
    // A first version with data, then a migration that forces a backup.
    const v1 = Db.open({ file, logger: silentLogger, clock, migrations: [step(10, 'CREATE TABLE a(x)')] });
    v1.dispose();
    const v2 = Db.open({ file, logger: silentLogger, clock, migrations: [step(10, 'CREATE TABLE a(x)'), step(20, 'CREATE TABLE b(x)')] });
    v2.dispose();
    const backups = readdirSync(join(file, '..', 'backups'));
    expect(backups).toHaveLength(1);
    writeFileSync(file, Buffer.from('this is not a database file at all, not even close'.repeat(100)));
    const before = sha(file);
    let err: { code?: string; message?: string; details?: { backup?: string } } = {};
    try {
      Db.open({ file, logger: silentLogger, clock });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('DB_CORRUPT');
    expect(err.message).toContain(file);
    expect(err.details?.backup).toContain(backups[0]);
    expect(sha(file)).toBe(before);
  });

  it('takes a restorable backup before migrating an existing database', () => {
    const file = tmpFile();
    const v1 = Db.open({ file, logger: silentLogger, clock, migrations: [step(10, 'CREATE TABLE a(x); INSERT INTO a VALUES (42);')] });
    v1.dispose();
    const v2 = Db.open({ file, logger: silentLogger, clock, migrations: [step(10, ''), step(20, 'DROP TABLE a')] });
    v2.dispose();
    const dir = join(file, '..', 'backups');
    const [b] = readdirSync(dir);
    expect(b).toMatch(/^circletake-v10-.*\.db$/);
    const restored = new Database(join(dir, b!), { readonly: true });
    expect(restored.prepare('SELECT x FROM a').get()).toEqual({ x: 42 });
    expect(restored.pragma('user_version', { simple: true })).toBe(10);
    restored.close();
  });

  it('takes no backup of a brand-new database', () => {
    const file = tmpFile();
    Db.open({ file, logger: silentLogger, clock }).dispose();
    expect(existsSync(join(file, '..', 'backups'))).toBe(false);
  });
});
