import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as m0710 from './0710-create-review-links';

describe('0710 create-review-links', () => {
  it('is version 710', () => {
    expect(m0710.version).toBe(710);
  });

  it('keeps one row per token digest, of the two link roles, with a name', () => {
    const db = new Database(':memory:');
    m0710.up(db);
    const put = db.prepare('INSERT INTO review_links (id, token_sha256, role, name, created_at) VALUES (?, ?, ?, ?, 1)');
    put.run('rvl_1', 'a'.repeat(64), 'reviewer', 'Rita');
    expect(() => put.run('rvl_2', 'a'.repeat(64), 'producer', 'Paul')).toThrow(/UNIQUE/);
    expect(() => put.run('rvl_3', 'b'.repeat(64), 'owner', 'Me')).toThrow(/CHECK/);
    expect(() => put.run('rvl_4', 'c'.repeat(64), 'reviewer', '')).toThrow(/CHECK/);
    expect(() => put.run('rvl_5', 'not-a-digest', 'reviewer', 'Rita')).toThrow(/CHECK/);
  });
});
