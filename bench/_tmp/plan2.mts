import Database from '/work/main/node_modules/better-sqlite3/lib/index.js';
import { migrate } from '/work/main/electron/core/db/migrate.ts';
import { migrations } from '/work/main/electron/core/db/migrations/index.ts';
import { claimStatement } from '/work/main/electron/core/queue/jobRepo.ts';
const db = new Database(':memory:');
migrate(db, migrations, ':memory:');
for (const o of [false, true]) { const sql = claimStatement('', o); console.log(sql); console.log(db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(2, 1, 1, 1, ',local,', 4).map((r: any) => r.detail).join(' | ')); }
