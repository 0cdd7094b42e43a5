import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as m0010 from './0010-create-projects';
import * as m0300 from './0300-create-artifacts';
import * as m0310 from './0310-create-artifact-checks';
import * as m0320 from './0320-create-watermarks';
import { migrations } from './index';

const sha = 'a'.repeat(64);
function db(): Database.Database {
  const d = new Database(':memory:');
  d.pragma('foreign_keys = ON');
  m0010.up(d);
  d.prepare("INSERT INTO projects VALUES ('prj_1','Spot','t','t',NULL)").run();
  return d;
}
const art = (d: Database.Database, id: string, over: Record<string, unknown> = {}) =>
  d
    .prepare('INSERT INTO artifacts (id, class, project_id, job_id, n, rel_path, sha256, size_bytes, created_at) VALUES (@id, @class, @project_id, @job_id, @n, @rel_path, @sha256, @size_bytes, @created_at)')
    .run({ id, class: 'preview', project_id: 'prj_1', job_id: 'job_1', n: 0, rel_path: 'x', sha256: sha, size_bytes: 1, created_at: 1, ...over });

describe('media migrations', () => {
  it('are registered in order with numbers in the 0300s', () => {
    const mine = migrations.filter((m) => m.version >= 300 && m.version < 400).map((m) => m.version);
    expect(mine).toEqual([300, 310, 320]);
    expect([m0300.version, m0310.version, m0320.version]).toEqual([300, 310, 320]);
  });

  it('0300 creates artifacts: class checked, one row per (class, job, n), project must exist, hash length checked', () => {
    const d = db();
    m0300.up(d);
    art(d, 'art_1');
    expect(() => art(d, 'art_2')).toThrow(/UNIQUE/);
    expect(() => art(d, 'art_3', { class: 'release', n: 0 })).not.toThrow();
    expect(() => art(d, 'art_4', { class: 'draft', n: 1 })).toThrow(/CHECK/);
    expect(() => art(d, 'art_5', { project_id: 'prj_nope', n: 2 })).toThrow(/FOREIGN KEY/);
    expect(() => art(d, 'art_6', { sha256: 'abc', n: 3 })).toThrow(/CHECK/);
    // Identical content may be shared by several rows.
    expect(() => art(d, 'art_7', { job_id: 'job_2' })).not.toThrow();
    expect(d.prepare('SELECT swept_at FROM artifacts WHERE id = ?').get('art_1')).toEqual({ swept_at: null });
  });

  it('0310 creates artifact_checks: one report per artifact, valid JSON only', () => {
    const d = db();
    m0300.up(d);
    m0310.up(d);
    art(d, 'art_1');
    const put = d.prepare('INSERT INTO artifact_checks (artifact_id, ok, report, checked_at) VALUES (?, ?, ?, ?)');
    put.run('art_1', 1, '{"ok":true,"checks":[]}', 5);
    expect(() => put.run('art_1', 0, '{}', 6)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => put.run('art_nope', 0, '{}', 6)).toThrow(/FOREIGN KEY/);
    art(d, 'art_2', { n: 1 });
    expect(() => put.run('art_2', 0, 'not json', 6)).toThrow(/CHECK/);
    expect(() => put.run('art_2', 2, '{}', 6)).toThrow(/CHECK/);
  });

  it('0320 creates watermarks: one per provider, corners checked', () => {
    const d = db();
    m0320.up(d);
    const put = d.prepare('INSERT INTO watermarks (provider, sha256, corner, margin_px, width, height, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    put.run('runway', sha, 'bottom-right', 16, 160, 48, 1);
    expect(() => put.run('runway', sha, 'top-left', 16, 160, 48, 2)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => put.run('local', sha, 'middle', 16, 160, 48, 2)).toThrow(/CHECK/);
    expect(() => put.run('local', sha, 'top-left', -1, 160, 48, 2)).toThrow(/CHECK/);
  });
});
