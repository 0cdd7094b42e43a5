import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { anotherPgEngine, describeEachEngine, openPostgres, openSqlite, pgNeed } from '../../../../test/support/engines';
import { countCommits } from '../../../../test/support/walCommits';
import { describeWith } from '../../../../test/support/needs';
import { PgEngine } from './pgEngine';
import { constraintOf, numberPlaceholders } from './sqlEngine';
import { migratePg, SCHEMA_TABLE } from '../pg/pgMigrate';
import { latestVersion } from '../migrate';
import { migrations } from '../migrations';

const NOW = '2026-12-03T00:00:00.000Z';

async function seedOneEntry(q: { run(sql: string, p?: readonly (string | number | null)[]): Promise<unknown> }): Promise<void> {
  await q.run(`INSERT INTO ledger_accounts (id, pool, surface, kind, created_at) VALUES ('api:purchased', 'api', 'api', 'purchased', ?)`, [NOW]);
  await q.run(`INSERT INTO ledger_accounts (id, pool, surface, kind, may_go_negative, created_at) VALUES ('sys:issuance', NULL, NULL, 'system', 1, ?)`, [NOW]);
  await q.run(`INSERT INTO ledger_ops (id, kind, request, result, created_at, day) VALUES ('op1', 'grant', '{}', '{}', ?, '2026-12-03')`, [NOW]);
  await q.run(
    `INSERT INTO ledger_entries (id, op_id, debit_account, credit_account, amount, created_at, day) VALUES ('e1', 'op1', 'sys:issuance', 'api:purchased', 100, ?, '2026-12-03')`,
    [NOW],
  );
}

describe('numberPlaceholders', () => {
  it('numbers ? outside quotes and comments only', () => {
    expect(numberPlaceholders(`SELECT '?', "a?b", x FROM t WHERE a = ? AND b = ? -- why?\nAND c = ?`)).toBe(
      `SELECT '?', "a?b", x FROM t WHERE a = $1 AND b = $2 -- why?\nAND c = $3`,
    );
    expect(numberPlaceholders(`SELECT 'it''s ?' WHERE a = ?`)).toBe(`SELECT 'it''s ?' WHERE a = $1`);
  });
});

describeEachEngine('the engine port', (open) => {
  it('runs the same SQL, with integers that stay integers', async () => {
    const engine = await open();
    await engine.run(`INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)`, ['prj_1', 'Opening', NOW, NOW]);
    await engine.run(`INSERT INTO money_budgets (project_id, credits, updated_at) VALUES (?, ?, ?)`, ['prj_1', 10 ** 12, NOW]);
    const row = await engine.get<{ credits: number; total: number }>(
      `SELECT credits, (SELECT sum(credits) FROM money_budgets) AS total FROM money_budgets WHERE project_id = ?`,
      ['prj_1'],
    );
    expect(row).toEqual({ credits: 10 ** 12, total: 10 ** 12 });
    const info = await engine.info();
    expect(info.schemaVersion).toBe(latestVersion(migrations));
    expect(info.serverVersion).toMatch(engine.name === 'sqlite' ? /^SQLite 3\./ : /^PostgreSQL \d+/);
  });

  it('commits a transaction that resolves and keeps nothing of one that throws', async () => {
    const engine = await open();
    await engine.tx(async (q) => {
      await q.run(`INSERT INTO projects (id, name, created_at, updated_at) VALUES ('prj_a', 'A', ?, ?)`, [NOW, NOW]);
    });
    await expect(
      engine.tx(async (q) => {
        await q.run(`INSERT INTO projects (id, name, created_at, updated_at) VALUES ('prj_b', 'B', ?, ?)`, [NOW, NOW]);
        throw new AppError('VALIDATION', 'changed my mind');
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await engine.all(`SELECT id FROM projects ORDER BY id`)).toEqual([{ id: 'prj_a' }]);
  });

  it('keeps the ledger append-only in the database itself', async () => {
    const engine = await open();
    await engine.tx(seedOneEntry);
    const update = await engine.run(`UPDATE ledger_entries SET amount = 1 WHERE id = 'e1'`).catch((e: unknown) => e);
    expect(constraintOf(update)).toBe('appendOnly');
    const remove = await engine.run(`DELETE FROM ledger_ops WHERE id = 'op1'`).catch((e: unknown) => e);
    expect(constraintOf(remove)).toBe('appendOnly');
    expect(await engine.get(`SELECT amount FROM ledger_entries WHERE id = 'e1'`)).toEqual({ amount: 100 });
  });

  it('refuses an overdraft with the same CHECK on both engines', async () => {
    const engine = await open();
    await engine.tx(seedOneEntry);
    const e = await engine
      .run(`UPDATE ledger_accounts SET debits_pending = debits_pending + 1 WHERE id = 'api:purchased'`)
      .catch((x: unknown) => x);
    expect(constraintOf(e)).toBe('check');
    const dup = await engine.run(`INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p', 'x', ?, ?), ('q', 'X', ?, ?)`, [NOW, NOW, NOW, NOW]).catch((x: unknown) => x);
    expect(constraintOf(dup)).toBe('unique');
  });

  it('runs transactions one after another, never interleaved', async () => {
    const engine = await open();
    await engine.run(`INSERT INTO money_settings (key, value) VALUES ('n', '0')`);
    const bump = () =>
      engine.tx(async (q) => {
        const row = await q.get<{ value: string }>(`SELECT value FROM money_settings WHERE key = 'n'`);
        await q.run(`UPDATE money_settings SET value = ? WHERE key = 'n'`, [String(Number(row!.value) + 1)]);
      });
    await Promise.all(Array.from({ length: 20 }, bump));
    expect(await engine.get(`SELECT value FROM money_settings WHERE key = 'n'`)).toEqual({ value: '20' });
  });
});

describe('SQLite engine: rows', () => {
  it('gives the rows better-sqlite3 gives: same columns in the same order, the same values, a repeated name keeping its last value', async () => {
    const { engine, db } = await openSqlite();
    await engine.run(`INSERT INTO projects (id, name, created_at, updated_at) VALUES ('prj_1', 'Opening', ?, ?), ('prj_2', 'Close', ?, ?)`, [NOW, NOW, NOW, NOW]);
    const texts = [
      'SELECT * FROM projects ORDER BY id',
      `SELECT id, name AS id, 7 AS n, NULL AS none, x'00ff' AS bytes, count(*) OVER () FROM projects ORDER BY id`,
      `SELECT 1 AS "__proto__", 2 AS "constructor", 3 AS "a""b", 4 AS "0" FROM projects`,
      'SELECT * FROM projects WHERE id = ?',
    ];
    for (const sql of texts) {
      const params = sql.includes('?') ? ['nobody'] : [];
      const theirs = db.conn.prepare(sql).all(...params);
      const ours = await engine.all(sql, params);
      expect(ours).toEqual(theirs);
      ours.forEach((row, i) => expect(Object.keys(row as object)).toEqual(Object.keys(theirs[i] as object)));
      expect(await engine.get(sql, params)).toEqual(db.conn.prepare(sql).get(...params));
    }
    expect(await engine.get('SELECT * FROM projects WHERE id = ?', ['nobody'])).toBeUndefined();
    // A reader run as a write counts its rows.
    expect(await engine.run(`UPDATE projects SET name = name || '!' RETURNING id`)).toEqual({ changes: 2 });
  });
});

describe('SQLite engine: group commit', () => {
  it('commits the transactions of one turn together, one fsync for all, each answered after that commit', async () => {
    const { engine, db, file } = await openSqlite();
    const counting = countCommits(db.conn, file);
    const before = engine.commits;
    let answeredBeforeCommit = 0;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        engine
          .tx(async (q) => {
            await q.run(`INSERT INTO money_settings (key, value) VALUES (?, 'x')`, [`k${i}`]);
          })
          .then(() => {
            // Answered only once the row is readable by another connection: it is committed.
            const other = db.conn.prepare('SELECT count(*) AS n FROM money_settings').get() as { n: number };
            if (other.n === 0) answeredBeforeCommit++;
          }),
      ),
    );
    expect(engine.commits - before).toBe(1);
    expect(counting.done()).toBe(1);
    expect(answeredBeforeCommit).toBe(0);
    expect(await engine.get('SELECT count(*) AS n FROM money_settings')).toEqual({ n: 20 });
  });

  it("runs a body's nested savepoint: rolled back to, its writes go and the body's stay", async () => {
    const { engine } = await openSqlite();
    await engine.tx(async (q) => {
      await q.run(`INSERT INTO money_settings (key, value) VALUES ('kept', 'x')`);
      await q.exec('SAVEPOINT nested_one');
      await q.run(`INSERT INTO money_settings (key, value) VALUES ('undone', 'x')`);
      await q.exec('ROLLBACK TO SAVEPOINT nested_one');
      await q.exec('RELEASE SAVEPOINT nested_one');
      await q.exec('SAVEPOINT nested_one');
      await q.run(`INSERT INTO money_settings (key, value) VALUES ('released', 'x')`);
      await q.exec('RELEASE SAVEPOINT nested_one');
    });
    expect(await engine.all('SELECT key FROM money_settings ORDER BY key')).toEqual([{ key: 'kept' }, { key: 'released' }]);
  });

  it('rolls back a failing transaction alone; its neighbours in the group commit', async () => {
    const { engine } = await openSqlite();
    const put = (key: string, fail = false) =>
      engine.tx(async (q) => {
        await q.run(`INSERT INTO money_settings (key, value) VALUES (?, 'x')`, [key]);
        if (fail) throw new AppError('CONFLICT', 'no');
      });
    const results = await Promise.allSettled([put('a'), put('b', true), put('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await engine.all('SELECT key FROM money_settings ORDER BY key')).toEqual([{ key: 'a' }, { key: 'c' }]);
    expect(engine.commits).toBe(1);
  });
});

/** Resolves when `count` parties have arrived. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  return () => {
    if (++arrived >= count) open();
    return gate;
  };
}

describeWith(pgNeed, 'PostgreSQL engine: what SQLite gives by having one writer', () => {
  it('runs a transaction again after a serialization failure, and both outcomes are right', async () => {
    const { engine } = await openPostgres();
    await engine.run(`INSERT INTO money_settings (key, value) VALUES ('n', '0')`);
    const bothRead = barrier(2);
    let firstTries = 0;
    const bump = (first: { tries: number }) =>
      engine.tx(async (q) => {
        first.tries++;
        const row = await q.get<{ value: string }>(`SELECT value FROM money_settings WHERE key = 'n'`);
        if (first.tries === 1) await bothRead();
        await q.run(`UPDATE money_settings SET value = ? WHERE key = 'n'`, [String(Number(row!.value) + 1)]);
      });
    const a = { tries: 0 };
    const b = { tries: 0 };
    await Promise.all([bump(a), bump(b)]);
    firstTries = a.tries + b.tries;
    expect(firstTries).toBeGreaterThan(2);
    expect(engine.stats.serializationRetries).toBeGreaterThan(0);
    expect(await engine.get(`SELECT value FROM money_settings WHERE key = 'n'`)).toEqual({ value: '2' });
  });

  it('runs a transaction again after a deadlock', async () => {
    const { engine } = await openPostgres();
    await engine.run(`INSERT INTO money_settings (key, value) VALUES ('a', '0'), ('b', '0')`);
    const bothLocked = barrier(2);
    const cross = (first: string, second: string, state: { tries: number }) =>
      engine.tx(async (q) => {
        state.tries++;
        await q.run(`UPDATE money_settings SET value = value || '+' WHERE key = ?`, [first]);
        if (state.tries === 1) await bothLocked();
        await q.run(`UPDATE money_settings SET value = value || '+' WHERE key = ?`, [second]);
      });
    await Promise.all([cross('a', 'b', { tries: 0 }), cross('b', 'a', { tries: 0 })]);
    expect(engine.stats.deadlockRetries + engine.stats.serializationRetries).toBeGreaterThan(0);
    expect(await engine.all(`SELECT key, value FROM money_settings ORDER BY key`)).toEqual([
      { key: 'a', value: '0++' },
      { key: 'b', value: '0++' },
    ]);
  });

  it('answers in words, with nothing saved, when the retries run out', async () => {
    const { url } = await openPostgres();
    const engine = anotherPgEngine(url, { retries: 0 });
    await engine.run(`INSERT INTO money_settings (key, value) VALUES ('n', '0')`);
    const bothRead = barrier(2);
    const bump = () =>
      engine.tx(async (q) => {
        const row = await q.get<{ value: string }>(`SELECT value FROM money_settings WHERE key = 'n'`);
        await bothRead();
        await q.run(`UPDATE money_settings SET value = ? WHERE key = 'n'`, [String(Number(row!.value) + 1)]);
      });
    const results = await Promise.allSettled([bump(), bump()]);
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as AppError);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ code: 'DB_UNAVAILABLE', details: { reason: 'serialization', attempts: 1 } });
    expect(refused[0]!.message).toMatch(/nothing was saved/);
    expect(await engine.get(`SELECT value FROM money_settings WHERE key = 'n'`)).toEqual({ value: '1' });
  });

  it('rolls back a transaction whose connection is killed and runs it again on a fresh one', async () => {
    const { engine, url } = await openPostgres();
    const killer = anotherPgEngine(url);
    let tries = 0;
    await engine.tx(async (q) => {
      tries++;
      await q.run(`INSERT INTO money_settings (key, value) VALUES ('t' || ?, 'x')`, [String(tries)]);
      if (tries === 1) {
        const me = await q.get<{ pid: number }>(`SELECT pg_backend_pid() AS pid`);
        await killer.get(`SELECT pg_terminate_backend(?)`, [me!.pid]);
      }
      await q.run(`INSERT INTO money_settings (key, value) VALUES ('after', ?)`, [String(tries)]);
    });
    expect(tries).toBe(2);
    expect(engine.stats.lostConnectionRetries).toBe(1);
    // The first attempt left nothing: its insert of t1 was rolled back with the session.
    expect(await engine.all(`SELECT key, value FROM money_settings ORDER BY key`)).toEqual([
      { key: 'after', value: '2' },
      { key: 't2', value: 'x' },
    ]);
  });

  it('queues movers on a locked row instead of refusing them: 4 pools × 50 holds on one account that pays for 100', async () => {
    const { engine, url } = await openPostgres();
    await engine.tx(async (q) => {
      await seedOneEntry(q);
      await q.run(`UPDATE ledger_accounts SET credits_posted = 100 WHERE id = 'api:purchased'`); // it can pay for 100
    });
    const engines = [engine, ...Array.from({ length: 3 }, () => anotherPgEngine(url, { max: 8 }))];
    let n = 0;
    const hold = (e: PgEngine) =>
      e.tx(
        async (q) => {
          const id = `h${++n}`;
          await q.all(`SELECT id FROM ledger_accounts WHERE id = 'api:purchased'${q.forUpdate}`);
          await q.run(`INSERT INTO ledger_ops (id, kind, request, result, created_at, day) VALUES (?, 'reserve', '{}', '{}', ?, '2026-12-03')`, [id, NOW]);
          await q.run(`UPDATE ledger_accounts SET debits_pending = debits_pending + 1 WHERE id = 'api:purchased'`);
        },
        { isolation: 'lockRows' },
      );
    const results = await Promise.allSettled(engines.flatMap((e) => Array.from({ length: 50 }, () => hold(e))));
    const accepted = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected').map((r) => constraintOf((r as PromiseRejectedResult).reason));
    expect(accepted).toBe(100);
    expect(new Set(refused)).toEqual(new Set(['check']));
    expect(engines.reduce((sum, e) => sum + e.stats.serializationRetries + e.stats.deadlockRetries, 0)).toBe(0);
    expect(await engine.get(`SELECT debits_pending, (SELECT count(*) FROM ledger_ops WHERE kind = 'reserve') AS ops FROM ledger_accounts WHERE id = 'api:purchased'`)).toEqual({
      debits_pending: 100,
      ops: 100,
    });
  });

  it('cancels a statement past the statement timeout and says so', async () => {
    const { url } = await openPostgres();
    const engine = anotherPgEngine(url, { statementTimeoutMs: 150 });
    await expect(engine.get(`SELECT pg_sleep(2)`)).rejects.toMatchObject({ code: 'DB_UNAVAILABLE', details: { reason: 'timeout' } });
    expect(await engine.get(`SELECT 1 AS one`)).toEqual({ one: 1 });
  });

  it('names an unreachable server without its password', async () => {
    const engine = new PgEngine({ url: 'postgres://studio:s3cret-pw@127.0.0.1:1/studio' });
    try {
      const e = (await engine.get('SELECT 1').catch((x: unknown) => x)) as AppError;
      expect(e.code).toBe('DB_UNAVAILABLE');
      expect(e.message).toContain('127.0.0.1:1/studio');
      expect(JSON.stringify(e.toPayload())).not.toContain('s3cret');
    } finally {
      await engine.close();
    }
  });

  it('migrates once when several processes start together, and refuses a newer schema', async () => {
    const { url } = await openPostgres();
    const engines = Array.from({ length: 4 }, () => anotherPgEngine(url));
    const applied = await Promise.all(engines.map((e) => migratePg(e)));
    expect(applied.flat()).toEqual([]); // openPostgres already migrated; a repeat applies nothing
    const first = anotherPgEngine(url);
    await first.run(`INSERT INTO ${SCHEMA_TABLE} (version, name) VALUES (99990, 'from-the-future')`);
    await expect(migratePg(first)).rejects.toMatchObject({ code: 'DB_FROM_FUTURE', details: { dbVersion: 99990, appVersion: latestVersion(migrations) } });
  });
});
