import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db/migrate';
import { migrations } from '../db/migrations';
import { JOB_SQL, claimStatement } from './jobRepo';

describe('JobRepo', () => {
  it("finds ready, running and expired jobs through the jobs_ready index, never by scanning and sorting every job", () => {
    const db = new Database(':memory:');
    migrate(db, migrations, ':memory:');
    const plans: [string, unknown[]][] = [
      [claimStatement(''), [2, 1, 1, 1, ',local,', 4]],
      [JOB_SQL.expiredLeases.text, [1]],
      [JOB_SQL.requeueAllExpired.text, [1, 1]],
      [JOB_SQL.earliestWaiting.text, []],
      [JOB_SQL.runningIds.text, []],
      [JOB_SQL.undefer.text, [1, 'X', 1]],
    ];
    for (const [sql, params] of plans) {
      const plan = db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((r) => (r as { detail: string }).detail)
        .join(' | ');
      expect(plan, sql).toMatch(/USING INDEX jobs_ready/);
      expect(plan, sql).not.toMatch(/TEMP B-TREE/);
    }
    db.close();
  });
});
