import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { boardMigrations } from '../../../../test/support/boardKit';
import { seedJob, seedTake } from '../../../../test/support/boardSeed';
import * as m0730 from './0730-add-review-marks';

/** A database at the version before 0730, with one take, a comment and an undo entry written then. */
function before() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, boardMigrations().filter((m) => m.version < 730), ':memory:');
  db.prepare("INSERT INTO projects VALUES ('p1','P','t','t',NULL)").run();
  db.prepare("INSERT INTO shots VALUES ('s1','p1','Open',1,'t','t',NULL)").run();
  seedJob(db, { id: 'j1', projectId: 'p1', shotId: 's1' });
  seedTake(db, { id: 't1', jobId: 'j1', projectId: 'p1', shotId: 's1' });
  db.prepare("INSERT INTO take_comments (id, take_id, project_id, author, body, created_at) VALUES ('c0', 't1', 'p1', 'ana', 'old', 1)").run();
  db.prepare(`INSERT INTO board_actions (project_id, author, kind, label, before_json, created_at) VALUES ('p1', 'ana', 'tags', 'tag', '{"kind":"tags","items":[]}', 1)`).run();
  return db;
}

describe('0730 add-review-marks', () => {
  it('is version 730', () => {
    expect(m0730.version).toBe(730);
  });

  it('keeps one 1–5 rating per take and author, on takes that exist', () => {
    const db = before();
    m0730.up(db);
    const ins = db.prepare("INSERT INTO take_stars (take_id, project_id, author, stars, created_at) VALUES (?, 'p1', ?, ?, 1)");
    ins.run('t1', 'ana', 5);
    expect(() => ins.run('t1', 'ana', 4)).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => ins.run('t1', 'ben', 0)).toThrow(/CHECK/);
    expect(() => ins.run('t1', 'ben', 6)).toThrow(/CHECK/);
    expect(() => ins.run('t1', '', 3)).toThrow(/CHECK/);
    expect(() => ins.run('nope', 'ben', 3)).toThrow(/FOREIGN KEY/);
  });

  it('adds timecode, range and drawing to comments, keeping the old ones whole-take', () => {
    const db = before();
    m0730.up(db);
    expect(db.prepare("SELECT body, at_sec, end_sec, drawing_json FROM take_comments WHERE id = 'c0'").get()).toEqual({ body: 'old', at_sec: null, end_sec: null, drawing_json: null });
    const ins = db.prepare("INSERT INTO take_comments (id, take_id, project_id, author, body, at_sec, end_sec, drawing_json, created_at) VALUES (?, 't1', 'p1', 'ana', 'x', ?, ?, ?, 1)");
    ins.run('c1', 1.5, 2.5, '{"shapes":[]}');
    expect(() => ins.run('c2', -1, null, null)).toThrow(/CHECK/);
    expect(() => ins.run('c3', 2, 1, null)).toThrow(/CHECK/);
    expect(() => ins.run('c4', null, 2, null)).toThrow(/CHECK/);
    expect(() => ins.run('c5', 1, null, 'not json')).toThrow(/CHECK/);
    expect(() => ins.run('c6', null, null, '{"shapes":[]}')).toThrow(/CHECK/);
  });

  it('rebuilds board_actions with its rows, accepting stars entries and still refusing unknown kinds', () => {
    const db = before();
    m0730.up(db);
    expect(db.prepare('SELECT author, kind, label FROM board_actions').all()).toEqual([{ author: 'ana', kind: 'tags', label: 'tag' }]);
    const ins = db.prepare("INSERT INTO board_actions (project_id, author, kind, label, before_json, created_at) VALUES ('p1', 'ana', ?, 'x', ?, 2)");
    ins.run('stars', '{"kind":"stars","items":[]}');
    expect(() => ins.run('paint', '{}')).toThrow(/CHECK/);
    expect(() => ins.run('stars', 'nope')).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO board_actions (project_id, author, kind, label, before_json, created_at) VALUES ('p9', 'ana', 'tags', 'x', '{}', 1)").run()).toThrow(/FOREIGN KEY/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'board_actions'").all()).toEqual([{ name: 'board_actions_open' }]);
  });
});
