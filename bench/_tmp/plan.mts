import Database from '/work/main/node_modules/better-sqlite3/lib/index.js';
import { migrate } from '/work/main/electron/core/db/migrate.ts';
import { migrations } from '/work/main/electron/core/db/migrations/index.ts';
const db = new Database(':memory:');
migrate(db, migrations, ':memory:');
const forms = {
  a: `SELECT id FROM jobs WHERE status IN ('queued','running') AND status = 'queued' AND next_attempt_at <= @a AND @b LIKE ('%,' || provider || ',%') AND id IN (SELECT job_id FROM job_tasks WHERE status IN ('intent', 'submitted')) ORDER BY priority DESC, seq ASC LIMIT @c`,
  b: `SELECT id FROM jobs WHERE status = 'queued' AND next_attempt_at <= @a AND @b LIKE ('%,' || provider || ',%') AND id IN (SELECT job_id FROM job_tasks WHERE status IN ('intent', 'submitted')) ORDER BY priority DESC, seq ASC LIMIT @c`,
  c: `SELECT id FROM jobs WHERE status = 'queued' AND next_attempt_at <= @a AND @b LIKE ('%,' || provider || ',%') AND id IN (SELECT job_id FROM job_tasks WHERE status IN ('intent', 'submitted')) ORDER BY +priority DESC, seq ASC LIMIT @c`,
};
for (const [k, sql] of Object.entries(forms)) console.log(k, db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ a: 1, b: ',local,', c: 4 } as any).map((r: any) => r.detail).join(' | '));
