import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db/migrate';
import { migrations } from '../db/migrations';
import { JobRepo } from './jobRepo';

describe('JobRepo', () => {
  it("finds ready, running and expired jobs through the jobs_ready index, never by scanning and sorting every job", () => {
    const db = new Database(':memory:');
    migrate(db, migrations, ':memory:');
    const repo = new JobRepo(db);
    const plans: [string, Record<string, unknown>][] = [
      [repo.s.nextReady.source, { now: 1, providers: ',local,' }],
      [repo.s.expiredLeases.source, { now: 1 }],
      [repo.s.earliestWaiting.source, {}],
      [repo.s.runningIds.source, {}],
      [repo.s.undefer.source, { code: 'X', now: 1 }],
    ];
    for (const [sql, params] of plans) {
      const plan = db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(params)
        .map((r) => (r as { detail: string }).detail)
        .join(' | ');
      expect(plan, sql).toMatch(/USING INDEX jobs_ready/);
      expect(plan, sql).not.toMatch(/TEMP B-TREE/);
    }
    db.close();
  });
});
