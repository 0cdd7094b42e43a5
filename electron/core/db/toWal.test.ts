import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/tmp';
import { toWal } from './db';

// First use by several processes at once: switching a new file to WAL needs a lock that another process
// may hold, and SQLite can answer "database is locked" without waiting. Another process really holds it here.

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A child process that opens `file`, holds a read lock for `ms`, then lets go; resolves once it holds it. */
async function holdReadLock(file: string, ms: number): Promise<void> {
  const script = `
    const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const db = new Database(${JSON.stringify(file)});
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM t').get();
    console.log('held');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => void child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`the lock holder exited first (${code})`)));
  });
}

it('switches to WAL once another process lets go of the lock, where one try answers "database is locked"', async () => {
  const t = tempDir('ct-wal-');
  cleanups.push(() => t.cleanup());
  const file = join(t.dir, 'circletake.db');
  const made = new Database(file);
  made.exec('CREATE TABLE t (x INTEGER)');
  made.close();
  await holdReadLock(file, 600);

  // No busy wait at all: one try fails at once while the other process reads.
  const once = new Database(file, { timeout: 0 });
  cleanups.push(() => once.close());
  expect(() => once.pragma('journal_mode = WAL')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
  const t0 = Date.now();
  toWal(once);
  expect(once.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(Date.now() - t0).toBeLessThan(9_000);
});

it('does not retry what is not a lock', () => {
  const t = tempDir('ct-wal-');
  cleanups.push(() => t.cleanup());
  const ro = new Database(join(t.dir, 'x.db'));
  ro.close();
  expect(() => toWal(ro)).toThrow(/not open/);
});
