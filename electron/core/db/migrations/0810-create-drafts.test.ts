import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as m0010 from './0010-create-projects';
import * as m0810 from './0810-create-drafts';

function fresh() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  m0010.up(db);
  m0810.up(db);
  db.prepare("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('prj_0000000001', 'P', '1', '1')").run();
  return db;
}

describe('0810 create-drafts', () => {
  it('is version 810', () => {
    expect(m0810.version).toBe(810);
  });

  it('keeps one draft per project and shot, with valid JSON, on projects that exist', () => {
    const db = fresh();
    const put = db.prepare('INSERT INTO drafts (project_id, shot_key, values_json, prompt_sealed, updated_at) VALUES (?, ?, ?, ?, 1)');
    const blob = Buffer.from([1, 2, 3]);
    put.run('prj_0000000001', '', '{}', blob);
    put.run('prj_0000000001', 'sht_0000000001', '{}', blob);
    expect(() => put.run('prj_0000000001', 'sht_0000000001', '{}', blob)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => put.run('prj_0000000001', 'shot 1', '{}', blob)).toThrow(/CHECK/);
    expect(() => put.run('prj_0000000001', 'sht_0000000002', 'not json', blob)).toThrow(/CHECK/);
    expect(() => put.run('prj_nope', '', '{}', blob)).toThrow(/FOREIGN KEY/);
  });
});
