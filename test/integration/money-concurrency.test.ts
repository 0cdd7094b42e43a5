import { execFile } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { testCore } from '../support/core';
import { openPostgres, pgNeed } from '../support/engines';
import { ledgerOn } from '../support/ledgerOn';
import { describeWith } from '../support/needs';
import { tempDir } from '../support/tmp';
import { nodeArgs } from '../support/nodeEntry';

// L2 across processes: several processes reserve from one pool at once; together they ask for more than
// it holds. Exactly the reservations that fit succeed, the rest are refused, and the books still balance.
const t = tempDir('ct-money-conc-');
afterAll(() => t.cleanup());

interface WorkerResult {
  ok: number;
  refused: number;
  refusedPools: string[];
  firstAt: number;
  lastAt: number;
}

const worker = (id: number, count: number, credits: number, startAt: number, where: string = t.dir, mode = 'sequential') =>
  new Promise<WorkerResult>((resolve, reject) => {
    execFile(process.execPath, [...nodeArgs('test/support/ledgerWorker.ts'), where, String(id), String(count), String(credits), String(startAt), mode], { encoding: 'utf8', timeout: 90_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as WorkerResult),
    );
  });

describe('credit ledger across processes', () => {
  it('never lets concurrent reservations overdraw a pool', async () => {
    const setup = testCore({ dataDir: t.dir });
    await setup.core.ledger.adjust({ id: 'shrink', pool: 'local:grant', credits: -9000, reason: 'leave 1000 for the race' });
    await setup.core.dispose();

    const startAt = Date.now() + 4000;
    const results = await Promise.all([1, 2, 3].map((id) => worker(id, 20, 25, startAt)));
    const overlap = Math.min(...results.map((r) => r.lastAt)) - Math.max(...results.map((r) => r.firstAt));
    console.log(`workers ran ${results.map((r) => `${r.firstAt - startAt}–${r.lastAt - startAt} ms`).join(', ')} after the start (overlap ${overlap} ms)`);
    expect(results.reduce((n, r) => n + r.ok, 0)).toBe(40);
    expect(results.reduce((n, r) => n + r.refused, 0)).toBe(20);

    const check = testCore({ dataDir: t.dir });
    try {
      expect(await check.core.ledger.audit()).toMatchObject({ ok: true, totals: { debitsPending: 1000 } });
      expect((await check.core.ledger.balances()).pools.find((p) => p.pool === 'local:grant')).toMatchObject({ posted: 1000, reserved: 1000, available: 0 });
      expect(await check.core.ledger.pendingReservations()).toHaveLength(40);
    } finally {
      await check.core.dispose();
    }
  });
});

// The same on a studio's PostgreSQL: one pool shared by every member's machine. Row locks (FOR UPDATE on
// the pool's accounts) queue the movers; nobody is refused for a lost race, only for an empty pool.
describeWith(pgNeed, 'credit ledger across processes on PostgreSQL', () => {
  it('4 processes × 50 concurrent reservations against a pool that pays for exactly 100: 100 accepted, the rest refused naming the pool, books balance', async () => {
    const { engine, url } = await openPostgres();
    const opened = await ledgerOn(engine); // the books opened once: the plan's 10,000 local credits
    expect((await opened.ledger.balances()).pools.find((p) => p.pool === 'local:grant')?.available).toBe(10_000);

    const startAt = Date.now() + 5000;
    const results = await Promise.all([1, 2, 3, 4].map((id) => worker(id, 50, 100, startAt, url, 'concurrent')));
    const overlap = Math.min(...results.map((r) => r.lastAt)) - Math.max(...results.map((r) => r.firstAt));
    console.log(`PostgreSQL workers ran ${results.map((r) => `${r.firstAt - startAt}–${r.lastAt - startAt} ms (${r.ok} ok)`).join(', ')} after the start (overlap ${overlap} ms)`);
    expect(overlap).toBeGreaterThan(0);
    expect(results.reduce((n, r) => n + r.ok, 0)).toBe(100);
    expect(results.reduce((n, r) => n + r.refused, 0)).toBe(100);
    expect([...new Set(results.flatMap((r) => r.refusedPools))]).toEqual(['local:grant']);

    expect(await opened.ledger.audit()).toMatchObject({ ok: true, problems: [], totals: { debitsPending: 10_000 } });
    expect((await opened.ledger.balances()).pools.find((p) => p.pool === 'local:grant')).toMatchObject({ posted: 10_000, reserved: 10_000, available: 0 });
    expect(await opened.ledger.pendingReservations()).toHaveLength(100);
    await opened.close();
  }, 120_000);
});
