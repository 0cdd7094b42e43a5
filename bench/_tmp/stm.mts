import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from '/work/main/node_modules/better-sqlite3/lib/index.js';
import { SqliteEngine } from '/work/main/electron/core/db/engine/sqliteEngine.ts';
import { ourQueue } from '/work/main/bench/queue.bench.ts';
const stats = new Map<string, { n: number; ns: bigint }>();
let on = false;
const samples = new Map<string, number[]>();
const rec = (sql: string, t0: bigint) => { if (!on) return; if (sql.includes('WITH pick')) { const k2 = sql.includes('job_tasks') ? 'owners' : 'claim'; const a = samples.get(k2) ?? []; a.push(Number(process.hrtime.bigint() - t0) / 1e3); samples.set(k2, a); } const k = sql.replace(/\s+/g, ' ').slice(0, 110); const s = stats.get(k) ?? { n: 0, ns: 0n }; s.n++; s.ns += process.hrtime.bigint() - t0; stats.set(k, s); };
const P = SqliteEngine.prototype as any;
for (const m of ['allNow', 'getNow', 'runNow']) { const o = P[m]; P[m] = function (sql: string, params: unknown) { const t0 = process.hrtime.bigint(); try { return o.call(this, sql, params); } finally { rec(sql, t0); } }; }
const D = (Database as any).prototype; const oe = D.exec; D.exec = function (sql: string) { const t0 = process.hrtime.bigint(); try { return oe.call(this, sql); } finally { rec('EXEC ' + sql, t0); } };
const dir = mkdtempSync(join(tmpdir(), 'qprof-'));
await ourQueue(join(dir, 'w'), 300);
on = true;
const N = 380; let jobs = 0;
for (let i = 0; i < 3; i++) { await ourQueue(join(dir, 'r' + i), N); jobs += N; }
const rows = [...stats.entries()].sort((a, b) => Number(b[1].ns - a[1].ns));
let tn = 0, tt = 0n; for (const [, s] of rows) { tn += s.n; tt += s.ns; }
console.log(`stmts/job ${(tn / jobs).toFixed(1)}  ms/job ${(Number(tt) / 1e6 / jobs).toFixed(3)}`);
for (const [k, s] of rows.slice(0, 45)) console.log(`${(s.n / jobs).toFixed(2).padStart(6)} ${(Number(s.ns) / 1e3 / jobs).toFixed(1).padStart(7)}us/job ${(Number(s.ns) / 1e3 / s.n).toFixed(1).padStart(6)}us ${k}`);

for (const [k, a] of samples) { a.sort((x, y) => x - y); console.log(k, 'n', a.length, 'median us', a[a.length >> 1].toFixed(1), 'p90', a[Math.floor(a.length * 0.9)].toFixed(1), 'max', a[a.length - 1].toFixed(1)); }
