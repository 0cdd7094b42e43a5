import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/support/tmp';
import { countCommits } from '../../../../test/support/walCommits';
import { Db } from '../db';
import { silentLogger, systemClock } from '../../nodePorts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function open() {
  const t = tempDir('ct-group-');
  const file = join(t.dir, 'g.db');
  const db = Db.open({ file, logger: silentLogger, clock: systemClock, migrations: [{ version: 10, name: 't', up: (c) => c.exec('CREATE TABLE t (v INTEGER PRIMARY KEY)') }] });
  const other = new Database(file, { readonly: true });
  cleanups.push(() => {
    other.close();
    db.dispose();
    t.cleanup();
  });
  const seen = () => (other.prepare('SELECT v FROM t ORDER BY v').all() as { v: number }[]).map((r) => r.v);
  return { db, file, seen };
}

describe('Db.group (group commit)', () => {
  it('commits the work of one turn in one commit, visible to another connection when each promise resolves', async () => {
    const { db, file, seen } = open();
    const counter = countCommits(db.conn, file);
    const insert = db.conn.prepare('INSERT INTO t (v) VALUES (?)');
    const pieces = [1, 2, 3, 4, 5].map((v) => db.group(() => insert.run(v).changes));
    expect(seen()).toEqual([]);
    const first = await pieces[0];
    expect(first).toBe(1);
    expect(seen()).toEqual([1, 2, 3, 4, 5]);
    await Promise.all(pieces);
    await db.group(() => insert.run(6));
    expect(counter.done()).toBe(2);
  });

  it('rolls back only the piece that throws, and rejects only its promise', async () => {
    const { db, seen } = open();
    const insert = db.conn.prepare('INSERT INTO t (v) VALUES (?)');
    const results = await Promise.allSettled([
      db.group(() => insert.run(1)),
      db.group(() => {
        insert.run(2);
        throw new Error('refused');
      }),
      db.group(() => insert.run(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'refused' });
    expect(seen()).toEqual([1, 3]);
  });

  it('rejects every piece when the commit cannot happen, and writes nothing', async () => {
    const { db, file, seen } = open();
    const blocker = new Database(file);
    cleanups.push(() => blocker.close());
    db.conn.pragma('busy_timeout = 0');
    blocker.exec('BEGIN IMMEDIATE');
    const insert = db.conn.prepare('INSERT INTO t (v) VALUES (?)');
    const results = await Promise.allSettled([db.group(() => insert.run(1)), db.group(() => insert.run(2))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    blocker.exec('ROLLBACK');
    expect(seen()).toEqual([]);
  });

  it('commits what is queued when closed with close(); dispose() refuses what it did not commit', async () => {
    const { db, seen } = open();
    const insert = db.conn.prepare('INSERT INTO t (v) VALUES (?)');
    const piece = db.group(() => insert.run(7));
    await db.close();
    await piece;
    expect(seen()).toEqual([7]);
    const again = open();
    const lost = again.db.group(() => again.db.conn.prepare('INSERT INTO t (v) VALUES (?)').run(8));
    again.db.dispose();
    await expect(lost).rejects.toMatchObject({ code: 'DB_UNAVAILABLE' });
    expect(again.seen()).toEqual([]);
  });
});
