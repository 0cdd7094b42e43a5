import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as m0700 from './0700-create-live-changes';

describe('0700 create-live-changes', () => {
  it('is version 700', () => {
    expect(m0700.version).toBe(700);
  });

  it('appends changes in order and refuses rows that are not JSON or have no origin', () => {
    const db = new Database(':memory:');
    m0700.up(db);
    const put = db.prepare('INSERT INTO live_changes (origin, event, payload, at) VALUES (?, ?, ?, 1)');
    const a = put.run('p1', 'board.changed', '{"projectId":"prj_1"}').lastInsertRowid;
    const b = put.run('p2', 'takes.changed', '{}').lastInsertRowid;
    expect(Number(b)).toBeGreaterThan(Number(a));
    expect(() => put.run('p1', 'board.changed', 'not json')).toThrow(/CHECK/);
    expect(() => put.run('', 'board.changed', '{}')).toThrow(/CHECK/);
    // AUTOINCREMENT: a pruned tail never hands its numbers out again, so a tailer's cursor stays valid.
    db.prepare('DELETE FROM live_changes').run();
    const c = put.run('p1', 'board.changed', '{}').lastInsertRowid;
    expect(Number(c)).toBeGreaterThan(Number(b));
  });
});
