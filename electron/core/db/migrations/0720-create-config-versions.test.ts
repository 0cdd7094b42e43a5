import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as m0720 from './0720-create-config-versions';

describe('0720 create-config-versions', () => {
  it('is version 720', () => {
    expect(m0720.version).toBe(720);
  });

  it('keeps one last good version and one break per file, with a sha256-sized hash', () => {
    const db = new Database(':memory:');
    m0720.up(db);
    const hash = 'a'.repeat(64);
    const put = db.prepare("INSERT INTO config_versions VALUES ('plan', 'user', 'mine.yaml', 'mine', ?, 'plan: {}', 't')");
    put.run(hash);
    expect(() => put.run(hash)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => db.prepare("INSERT INTO config_versions VALUES ('plan', 'user', 'other.yaml', 'o', 'short', 'x', 't')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO config_versions VALUES ('policy', 'user', 'p.yaml', 'p', ?, 'x', 't')").run(hash)).toThrow(/CHECK/);
    db.prepare("INSERT INTO config_breaks VALUES ('rateCard', 'builtin', 'runway-api.yaml', 't')").run();
    expect(() => db.prepare("INSERT INTO config_breaks VALUES ('rateCard', 'builtin', 'runway-api.yaml', 't2')").run()).toThrow(/UNIQUE|PRIMARY/);
  });
});
