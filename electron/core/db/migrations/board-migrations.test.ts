import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import * as m0400 from './0400-create-take-tags';
import * as m0410 from './0410-create-take-comments';
import * as m0420 from './0420-create-shortlist';
import * as m0430 from './0430-create-board-actions';
import * as m0440 from './0440-create-take-published';
import { boardMigrations } from '../../../../test/support/boardKit';
import { seedJob, seedTake } from '../../../../test/support/boardSeed';

/** A database migrated up to (not including) the board, with one project, shot, job and take. */
function beforeBoard() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, boardMigrations().filter((m) => m.version < 400), ':memory:');
  db.prepare("INSERT INTO projects VALUES ('p1','P','t','t',NULL)").run();
  db.prepare("INSERT INTO shots VALUES ('s1','p1','Open',1,'t','t',NULL)").run();
  seedJob(db, { id: 'j1', projectId: 'p1', shotId: 's1' });
  seedTake(db, { id: 't1', jobId: 'j1', projectId: 'p1', shotId: 's1' });
  return db;
}

describe('board migrations', () => {
  it('0400 keeps one verdict per take and author, from the closed tag set, on an existing take', () => {
    const db = beforeBoard();
    m0400.up(db);
    const ins = db.prepare('INSERT INTO take_tags (take_id, project_id, author, tag, is_auto, created_at) VALUES (?, ?, ?, ?, ?, 1)');
    ins.run('t1', 'p1', 'ana', 'promising', 0);
    expect(() => ins.run('t1', 'p1', 'ana', 'discard', 0)).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => ins.run('t1', 'p1', 'ben', 'great', 0)).toThrow(/CHECK/);
    expect(() => ins.run('t1', 'p1', '', 'discard', 0)).toThrow(/CHECK/);
    expect(() => ins.run('nope', 'p1', 'ben', 'discard', 0)).toThrow(/FOREIGN KEY/);
    expect(() => ins.run('t1', 'p1', 'ben', 'discard', 2)).toThrow(/CHECK/);
  });

  it('0410 stores comments on existing takes with a bounded body', () => {
    const db = beforeBoard();
    m0410.up(db);
    const ins = db.prepare("INSERT INTO take_comments (id, take_id, project_id, author, body, created_at) VALUES (?, ?, 'p1', 'ana', ?, 1)");
    ins.run('c1', 't1', 'Love the light');
    expect(() => ins.run('c2', 't1', '')).toThrow(/CHECK/);
    expect(() => ins.run('c3', 't1', 'x'.repeat(4001))).toThrow(/CHECK/);
    expect(() => ins.run('c4', 'nope', 'hi')).toThrow(/FOREIGN KEY/);
  });

  it('0420 keeps one rule per project and one override per take, within bounds', () => {
    const db = beforeBoard();
    m0420.up(db);
    const rule = db.prepare('INSERT INTO shortlist_rules (project_id, mode, n, percent, updated_at) VALUES (?, ?, ?, ?, 1)');
    rule.run('p1', 'top', 3, 10);
    expect(() => rule.run('p1', 'percent', 3, 10)).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => rule.run('p2', 'top', 3, 10)).toThrow(/FOREIGN KEY/);
    db.prepare("INSERT INTO projects VALUES ('p3','Q','t','t',NULL)").run();
    expect(() => rule.run('p3', 'top', 0, 10)).toThrow(/CHECK/);
    expect(() => rule.run('p3', 'percent', 3, 101)).toThrow(/CHECK/);
    const ov = db.prepare("INSERT INTO shortlist_overrides (take_id, project_id, override, author, created_at) VALUES (?, 'p1', ?, 'ana', 1)");
    ov.run('t1', 'in');
    expect(() => ov.run('t1', 'out')).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => ov.run('nope', 'in')).toThrow(/FOREIGN KEY/);
  });

  it('0430 logs undoable actions with valid JSON of a known kind', () => {
    const db = beforeBoard();
    m0430.up(db);
    const ins = db.prepare("INSERT INTO board_actions (project_id, author, kind, label, before_json, created_at) VALUES ('p1', 'ana', ?, 'x', ?, 1)");
    ins.run('tags', '{"kind":"tags","items":[]}');
    expect(() => ins.run('tags', 'not json')).toThrow(/CHECK/);
    expect(() => ins.run('paint', '{}')).toThrow(/CHECK/);
  });

  it('0440 marks a take published once', () => {
    const db = beforeBoard();
    m0440.up(db);
    const ins = db.prepare("INSERT INTO take_published (take_id, project_id, published_at) VALUES (?, 'p1', 1)");
    ins.run('t1');
    expect(() => ins.run('t1')).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => ins.run('nope')).toThrow(/FOREIGN KEY/);
  });

  it('apply in order on top of the queue schema', () => {
    const db = beforeBoard();
    const applied = migrate(db, boardMigrations(), ':memory:');
    expect(applied.filter((v) => v >= 400 && v < 500)).toEqual([400, 410, 420, 430, 440]);
    expect(db.pragma('user_version', { simple: true })).toBe(applied[applied.length - 1]);
  });
});
