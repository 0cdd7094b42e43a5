import Database from '/work/main/node_modules/better-sqlite3/lib/index.js';
import { migrate } from '/work/main/electron/core/db/migrate.ts';
import { migrations } from '/work/main/electron/core/db/migrations/index.ts';
import { claimStatement } from '/work/main/electron/core/queue/jobRepo.ts';
import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
const f = join(mkdtempSync(join(tmpdir(), 'm-')), 'x.db');
const db = new Database(f); db.pragma('journal_mode = WAL');
migrate(db, migrations, f);
const cols = db.prepare("SELECT name, \"notnull\" AS nn, dflt_value AS d, type FROM pragma_table_info('jobs')").all() as any[];
console.log(cols.filter(c => c.nn && c.d === null).map(c => c.name + ':' + c.type).join(' '));
db.pragma('foreign_keys = OFF');
const ins = db.prepare(`INSERT INTO jobs (id, project_id, shot_id, provider, model, artifact_class, variations, params_json, prompt_sealed, params_hash, idempotency_key, status, seq, max_attempts, estimated_credits, output_spec, created_at, updated_at, next_attempt_at) VALUES (?, 'p', 's', 'local', 'm', 'preview', 1, '{}', x'00', 'h', ?, 'queued', ?, 3, 25, '{}', 1, 1, 0)`);
for (let i = 0; i < 400; i++) ins.run('job' + i, 'k' + i, i);
for (const o of [true, false]) {
  const st = db.prepare(claimStatement('', o));
  const t: number[] = [];
  for (let i = 0; i < 200; i++) { db.exec('BEGIN IMMEDIATE'); const t0 = process.hrtime.bigint(); st.all(2, 1, 1, 1, ',local,', o ? 4 : 0); t.push(Number(process.hrtime.bigint() - t0) / 1e3); db.exec('ROLLBACK'); }
  t.sort((a, b) => a - b); console.log(o ? 'owners' : 'claim(0)', t[100].toFixed(1));
}
const st = db.prepare(claimStatement('', false)); const t: number[] = [];
for (let i = 0; i < 200; i++) { db.exec('BEGIN IMMEDIATE'); const t0 = process.hrtime.bigint(); st.all(2, 1, 1, 1, ',local,', 8); t.push(Number(process.hrtime.bigint() - t0) / 1e3); db.exec('ROLLBACK'); }
t.sort((a, b) => a - b); console.log('claim(8)', t[100].toFixed(1));
const tm = (label: string, sql: string, args: unknown[], all = false) => { const s = db.prepare(sql); const t: number[] = []; for (let i = 0; i < 300; i++) { db.exec('BEGIN IMMEDIATE'); const t0 = process.hrtime.bigint(); all ? s.all(...args) : s.run(...args); t.push(Number(process.hrtime.bigint() - t0) / 1e3); db.exec('ROLLBACK'); } t.sort((a, b) => a - b); console.log(label, t[150].toFixed(1)); };
tm('select1', 'SELECT 1', [], true);
tm('upd none', "UPDATE jobs SET updated_at = 1 WHERE id = 'none'", []);
tm('upd none returning', "UPDATE jobs SET updated_at = 1 WHERE id = 'none' RETURNING *", [], true);
tm('select pick', "SELECT id FROM jobs WHERE status IN ('queued','running') AND status = 'queued' AND next_attempt_at <= 2 AND ',local,' LIKE ('%,' || provider || ',%') ORDER BY priority DESC, seq LIMIT 8", [], true);
tm('upd one', "UPDATE jobs SET updated_at = 1 WHERE id = 'job5'", []);
tm('upd one status', "UPDATE jobs SET status = 'running' WHERE id = 'job5'", []);
tm('cte upd limit0', "WITH pick AS MATERIALIZED (SELECT id FROM jobs WHERE status IN ('queued','running') AND status = 'queued' AND next_attempt_at <= 2 ORDER BY priority DESC, seq LIMIT 0) UPDATE jobs SET updated_at = 1 WHERE id IN (SELECT id FROM pick) AND status = 'queued' RETURNING *", [], true);
tm('cte upd limit0 noret', "WITH pick AS MATERIALIZED (SELECT id FROM jobs WHERE status IN ('queued','running') AND status = 'queued' AND next_attempt_at <= 2 ORDER BY priority DESC, seq LIMIT 0) UPDATE jobs SET updated_at = 1 WHERE id IN (SELECT id FROM pick) AND status = 'queued'", []);
tm('cte upd status limit0', "WITH pick AS MATERIALIZED (SELECT id FROM jobs WHERE status IN ('queued','running') AND status = 'queued' AND next_attempt_at <= 2 ORDER BY priority DESC, seq LIMIT 0) UPDATE jobs SET status='running' WHERE id IN (SELECT id FROM pick) AND status = 'queued'", []);
tm('in-list upd status', "UPDATE jobs SET status='running' WHERE id IN ('a','b') AND status = 'queued'", []);
tm('in-sub upd status', "UPDATE jobs SET status='running' WHERE id IN (SELECT 'a' WHERE 0) AND status = 'queued'", []);
console.log(claimStatement('', false).match(/\?/g)!.length);
tm('claimStmt', claimStatement('', false), [2, ',local,', 0, 1, 1, 1], true);
tm('claimStmt8', claimStatement('', false), [2, ',local,', 8, 1, 1, 1], true);
tm('ownerStmt', claimStatement('', true), [2, ',local,', 8, 1, 1, 1], true);
const base = (where: string, set: string, ret: string) => `WITH pick AS MATERIALIZED (SELECT id FROM jobs WHERE status IN ('queued','running') AND status = 'queued' AND next_attempt_at <= 2 ${where} ORDER BY priority DESC, seq LIMIT 0) UPDATE jobs SET ${set} WHERE id IN (SELECT id FROM pick) AND status = 'queued' ${ret}`;
tm('v-like', base("AND ',local,' LIKE ('%,' || provider || ',%')", "updated_at = 1", ''), []);
tm('v-set', base("", "status = 'running', lease_token = lease_token + 1, lease_expires_at = 5, attempts = attempts + 1, started_at = coalesce(started_at, 1), updated_at = 1", ''), []);
tm('v-ret', base("", "updated_at = 1", 'RETURNING *'), [], true);
tm('v-all', base("AND ',local,' LIKE ('%,' || provider || ',%')", "status = 'running', lease_token = lease_token + 1, lease_expires_at = 5, attempts = attempts + 1, started_at = coalesce(started_at, 1), updated_at = 1", 'RETURNING *'), [], true);
const b2 = (a: string, l: string, lim: string) => `WITH pick AS MATERIALIZED (SELECT id FROM jobs WHERE status IN ('queued','running') AND status = 'queued' AND next_attempt_at <= ${a} AND ${l} LIKE ('%,' || provider || ',%') ORDER BY priority DESC, seq LIMIT ${lim}) UPDATE jobs SET updated_at = 1 WHERE id IN (SELECT id FROM pick) AND status = 'queued'`;
tm('p-now', b2('?', "',local,'", '0'), [2]);
tm('p-like', b2('2', '?', '0'), [',local,']);
tm('p-lim', b2('2', "',local,'", '?'), [0]);
tm('p-lim8', b2('2', "',local,'", '?'), [8]);
tm('lit-lim8', b2('2', "',local,'", '8'), []);
