import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as m0010 from './0010-create-projects';
import * as m0600 from './0600-create-asset-labels';

function fresh() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  m0010.up(db);
  m0600.up(db);
  db.prepare("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('prj_0000000001', 'P', 1, 1)").run();
  return db;
}

describe('0600 create-asset-labels', () => {
  it('is version 600', () => {
    expect(m0600.version).toBe(600);
  });

  it('keeps one label per project and content, of known labels and sources, on projects that exist', () => {
    const db = fresh();
    const put = db.prepare('INSERT INTO asset_labels (project_id, sha256, label, source, file_name, set_at) VALUES (?, ?, ?, ?, ?, 1)');
    const sha = 'a'.repeat(64);
    put.run('prj_0000000001', sha, 'confidential', 'user', 'x.png');
    expect(() => put.run('prj_0000000001', sha, 'public', 'user', 'x.png')).toThrow(/UNIQUE|PRIMARY/);
    expect(() => put.run('prj_0000000001', 'b'.repeat(64), 'secret', 'user', 'x.png')).toThrow(/CHECK/);
    expect(() => put.run('prj_0000000001', 'b'.repeat(64), 'public', 'email', 'x.png')).toThrow(/CHECK/);
    expect(() => put.run('prj_0000000001', 'B'.repeat(64), 'public', 'user', 'x.png')).toThrow(/CHECK/);
    expect(() => put.run('prj_0000000001', 'abc', 'public', 'user', 'x.png')).toThrow(/CHECK/);
    expect(() => put.run('prj_nope', 'c'.repeat(64), 'public', 'user', 'x.png')).toThrow(/FOREIGN KEY/);
  });
});
