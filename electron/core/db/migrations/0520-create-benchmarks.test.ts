import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as m0520 from './0520-create-benchmarks';

function fresh() {
  const db = new Database(':memory:');
  m0520.up(db);
  return db;
}

const insert = 'INSERT INTO benchmark_runs (id, provider, plan, model, day, report_json, file, created_at, applied_at, applied_file) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)';

describe('0520 create-benchmarks', () => {
  it('is version 520', () => {
    expect(m0520.version).toBe(520);
  });

  it('stores a run with a dated day and a JSON report', () => {
    const db = fresh();
    const put = db.prepare(insert);
    put.run('b1', 'local', 'runway-api', 'gen4.5', '2026-11-22', '{}', '/d/benchmarks/x.json', null, null);
    expect(() => put.run('b2', 'local', 'runway-api', 'gen4.5', '22/11/2026', '{}', 'f', null, null)).toThrow(/CHECK/);
    expect(() => put.run('b3', 'local', 'runway-api', 'gen4.5', '2026-11-22', 'nope', 'f', null, null)).toThrow(/CHECK/);
  });

  it('records an application with both its time and its file, or neither', () => {
    const db = fresh();
    const put = db.prepare(insert);
    expect(() => put.run('b1', 'local', 'p', 'm', '2026-11-22', '{}', 'f', 5, null)).toThrow(/CHECK/);
    put.run('b2', 'local', 'p', 'm', '2026-11-22', '{}', 'f', 5, '/d/plans/p.yaml');
    expect(db.prepare('SELECT applied_file FROM benchmark_runs').get()).toEqual({ applied_file: '/d/plans/p.yaml' });
  });
});
