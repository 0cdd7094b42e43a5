import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as m0010 from './0010-create-projects';
import * as m0510 from './0510-create-spend-thresholds';

function fresh() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  m0010.up(db);
  m0510.up(db);
  db.prepare("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('prj_a', 'A', 't', 't')").run();
  return db;
}

describe('0510 create-spend-thresholds', () => {
  it('is version 510', () => {
    expect(m0510.version).toBe(510);
  });

  it('holds one threshold per project and amount, above zero, for projects that exist', () => {
    const db = fresh();
    const put = db.prepare('INSERT INTO project_spend_thresholds (project_id, threshold, created_at) VALUES (?, ?, 1)');
    put.run('prj_a', 500);
    expect(() => put.run('prj_a', 500)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => put.run('prj_a', 0)).toThrow(/CHECK/);
    expect(() => put.run('prj_missing', 100)).toThrow(/FOREIGN KEY/);
  });

  it('records a crossing once per project and threshold', () => {
    const db = fresh();
    const cross = db.prepare('INSERT OR IGNORE INTO project_spend_crossings (project_id, threshold, spent, crossed_at) VALUES (?, ?, ?, 1)');
    expect(cross.run('prj_a', 500, 520).changes).toBe(1);
    expect(cross.run('prj_a', 500, 700).changes).toBe(0);
    expect(db.prepare('SELECT spent, crossings, is_armed FROM project_spend_crossings').get()).toEqual({ spent: 520, crossings: 1, is_armed: 0 });
    expect(() => db.prepare('UPDATE project_spend_crossings SET is_armed = 2').run()).toThrow(/CHECK/);
  });
});
