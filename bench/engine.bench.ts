// npm run bench engine — what the engine port costs. One "money move" = the rows a ledger reservation
// writes (an op, an entry, the account's pending total) in one transaction. Measured three ways in one
// process: bare better-sqlite3 (synchronous, the SQLite floor), the same statements through the async
// SqliteEngine (goal: within 10 % of bare), and on PostgreSQL through PgEngine (SERIALIZABLE, retries)
// beside bare `pg` (one READ COMMITTED transaction per move, same rows), alone and with 8 concurrent
// movers on one account row. Every variant locks (PostgreSQL) or reads (SQLite) the two account rows first.
import pg from 'pg';
import { Db } from '../electron/core/db/db';
import { PgEngine } from '../electron/core/db/engine/pgEngine';
import { numberPlaceholders, type Queryable, type SqlEngine } from '../electron/core/db/engine/sqlEngine';
import { SqliteEngine } from '../electron/core/db/engine/sqliteEngine';
import { migratePg } from '../electron/core/db/pg/pgMigrate';
import { createDatabase, startBenchCluster } from '../test/support/pgCluster';
import { tempDir } from '../test/support/tmp';
import { measure, printRatio } from './support';

const NOW = '2026-12-03T00:00:00.000Z';
const DAY = '2026-12-03';
const MOVES = 400;

const SEED = [
  `INSERT INTO ledger_accounts (id, pool, surface, kind, created_at) VALUES ('api:purchased', 'api', 'api', 'purchased', '${NOW}')`,
  `INSERT INTO ledger_accounts (id, pool, surface, kind, may_go_negative, created_at) VALUES ('sys:issuance', NULL, NULL, 'system', 1, '${NOW}')`,
  `INSERT INTO ledger_accounts (id, pool, surface, kind, may_go_negative, created_at) VALUES ('sys:spend', NULL, NULL, 'system', 1, '${NOW}')`,
  `INSERT INTO ledger_ops (id, kind, request, result, created_at, day) VALUES ('grant', 'grant', '{}', '{}', '${NOW}', '${DAY}')`,
  `INSERT INTO ledger_entries (id, op_id, debit_account, credit_account, amount, created_at, day) VALUES ('g', 'grant', 'sys:issuance', 'api:purchased', 1000000000, '${NOW}', '${DAY}')`,
  `UPDATE ledger_accounts SET credits_posted = 1000000000 WHERE id = 'api:purchased'`,
  `UPDATE ledger_accounts SET debits_posted = 1000000000 WHERE id = 'sys:issuance'`,
];

const LOCK = `SELECT id FROM ledger_accounts WHERE id IN ('api:purchased', 'sys:spend') ORDER BY id`;
const INSERT_OP = `INSERT INTO ledger_ops (id, kind, request, result, reservation_id, created_at, day) VALUES (?, 'reserve', '{}', '{}', ?, ?, ?)`;
const INSERT_ENTRY = `INSERT INTO ledger_entries (id, op_id, debit_account, credit_account, amount, is_pending, created_at, day) VALUES (?, ?, 'api:purchased', 'sys:spend', 3, 1, ?, ?)`;
const HOLD = `UPDATE ledger_accounts SET debits_pending = debits_pending + 3 WHERE id = 'api:purchased'`;
const CREDIT = `UPDATE ledger_accounts SET credits_pending = credits_pending + 3 WHERE id = 'sys:spend'`;

let seq = 0;
async function move(q: Queryable): Promise<void> {
  const id = `r${++seq}`;
  await q.all(`${LOCK}${q.forUpdate}`);
  await q.run(INSERT_OP, [id, id, NOW, DAY]);
  await q.run(INSERT_ENTRY, [`e${id}`, id, NOW, DAY]);
  await q.run(HOLD);
  await q.run(CREDIT);
}

async function seeded(engine: SqlEngine): Promise<void> {
  await engine.tx(async (q) => {
    for (const s of SEED) await q.run(s);
  });
}

export default async function bench(): Promise<void> {
  // SQLite: bare synchronous transactions vs the async port, same file settings (WAL, synchronous=FULL).
  const tmp = tempDir('ct-bench-engine-');
  const db = Db.open({ file: `${tmp.dir}/c.db`, logger: { log() {} }, clock: { now: () => Date.now() } });
  const engine = new SqliteEngine(db.conn, db.file);
  await seeded(engine);
  const s = { lock: db.conn.prepare(LOCK), op: db.conn.prepare(INSERT_OP), entry: db.conn.prepare(INSERT_ENTRY), hold: db.conn.prepare(HOLD), credit: db.conn.prepare(CREDIT) };
  const bareMove = db.conn.transaction(() => {
    const id = `r${++seq}`;
    s.lock.all();
    s.op.run(id, id, NOW, DAY);
    s.entry.run(`e${id}`, id, NOW, DAY);
    s.hold.run();
    s.credit.run();
  });
  const bare = await measure('bare better-sqlite3, 1 tx per move', 'moves/s', () => {
    for (let i = 0; i < MOVES; i++) bareMove.immediate();
    return MOVES;
  });
  const port = await measure('SqliteEngine.tx, 1 tx per move', 'moves/s', async () => {
    for (let i = 0; i < MOVES; i++) await engine.tx(move);
    return MOVES;
  });
  console.log('SQLite (WAL, synchronous=FULL): the async port against bare synchronous calls, one mover');
  printRatio(port, bare, '≥ 0.90×');
  // Eight movers at once: today's synchronous group commit (Db.group) against the port's.
  const eight = (work: () => Promise<unknown>) => async () => {
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let i = 0; i < MOVES / 8; i++) await work();
    }));
    return MOVES;
  };
  const grouped = await measure('Db.group (synchronous group commit), 8 movers', 'moves/s', eight(() => db.group(() => bareMove())));
  const portGrouped = await measure('SqliteEngine.tx (its group commit), 8 movers', 'moves/s', eight(() => engine.tx(move)));
  console.log('SQLite, 8 concurrent movers: group commit through the port against Db.group');
  printRatio(portGrouped, grouped, '≥ 0.90×');
  await engine.close();
  db.dispose();
  tmp.cleanup();

  // PostgreSQL: the engine (SERIALIZABLE + retries) against bare pg (READ COMMITTED, no retries).
  const cluster = await startBenchCluster();
  if (!cluster) return;
  try {
    const database = await createDatabase(cluster.adminUrl, 'ct_bench');
    const pgEngine = new PgEngine({ url: database.url, max: 8 });
    await migratePg(pgEngine);
    await seeded(pgEngine);
    const pool = new pg.Pool({ connectionString: database.url, max: 8 });
    pool.on('error', () => {});
    const opText = numberPlaceholders(INSERT_OP);
    const entryText = numberPlaceholders(INSERT_ENTRY);
    const bareTx = async () => {
      const c = await pool.connect();
      try {
        const id = `r${++seq}`;
        await c.query('BEGIN');
        await c.query({ name: 'lock', text: `${LOCK} FOR UPDATE` });
        await c.query({ name: 'op', text: opText, values: [id, id, NOW, DAY] });
        await c.query({ name: 'en', text: entryText, values: [`e${id}`, id, NOW, DAY] });
        await c.query(HOLD);
        await c.query(CREDIT);
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        c.release();
      }
    };
    for (const movers of [1, 8]) {
      const each = Math.floor(MOVES / movers);
      const run = (work: () => Promise<void>) => async () => {
        await Promise.all(Array.from({ length: movers }, async () => {
          for (let i = 0; i < each; i++) await work();
        }));
        return each * movers;
      };
      const floor = await measure(`bare pg, READ COMMITTED, ${movers} mover(s)`, 'moves/s', run(bareTx), { runs: 3 });
      const locked = await measure(`PgEngine.tx, rows locked, ${movers} mover(s)`, 'moves/s', run(() => pgEngine.tx(move, { isolation: 'lockRows' })), { runs: 3 });
      console.log(`PostgreSQL, ${movers} concurrent mover(s) on one account row`);
      printRatio(locked, floor);
      if (movers === 1) {
        const serializable = await measure(`PgEngine.tx, SERIALIZABLE, ${movers} mover(s)`, 'moves/s', run(() => pgEngine.tx(move)), { runs: 3 });
        printRatio(serializable, floor);
      } else {
        const before = pgEngine.stats.serializationRetries;
        const outcome = await run(() => pgEngine.tx(move))().then(
          () => 'all committed',
          (e: unknown) => `refused: ${(e as Error).message.slice(0, 90)}…`,
        );
        console.log(`  SERIALIZABLE with ${movers} movers on one row: ${outcome} (${pgEngine.stats.serializationRetries - before} serialization retries)`);
      }
    }
    console.log(`  retries: ${JSON.stringify(pgEngine.stats)}`);
    await pool.end();
    await pgEngine.close();
    await database.drop();
  } finally {
    await cluster.stop();
  }
}
