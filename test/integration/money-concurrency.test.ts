import { execFile } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { testCore } from '../support/core';
import { tempDir } from '../support/tmp';

// L2 across processes: several processes reserve from one pool at once; together they ask for more than
// it holds. Exactly the reservations that fit succeed, the rest are refused, and the books still balance.
const t = tempDir('ct-money-conc-');
afterAll(() => t.cleanup());

const worker = (id: number, count: number, credits: number, startAt: number) =>
  new Promise<{ ok: number; refused: number; firstAt: number; lastAt: number }>((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', 'test/support/ledgerWorker.ts', t.dir, String(id), String(count), String(credits), String(startAt)], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as { ok: number; refused: number; firstAt: number; lastAt: number }),
    );
  });

describe('credit ledger across processes', () => {
  it('never lets concurrent reservations overdraw a pool', async () => {
    const setup = testCore({ dataDir: t.dir });
    setup.core.ledger.adjust({ id: 'shrink', pool: 'local:grant', credits: -9000, reason: 'leave 1000 for the race' });
    await setup.core.dispose();

    const startAt = Date.now() + 4000;
    const results = await Promise.all([1, 2, 3].map((id) => worker(id, 20, 25, startAt)));
    const overlap = Math.min(...results.map((r) => r.lastAt)) - Math.max(...results.map((r) => r.firstAt));
    console.log(`workers ran ${results.map((r) => `${r.firstAt - startAt}–${r.lastAt - startAt} ms`).join(', ')} after the start (overlap ${overlap} ms)`);
    expect(results.reduce((n, r) => n + r.ok, 0)).toBe(40);
    expect(results.reduce((n, r) => n + r.refused, 0)).toBe(20);

    const check = testCore({ dataDir: t.dir });
    try {
      expect(check.core.ledger.audit()).toMatchObject({ ok: true, totals: { debitsPending: 1000 } });
      expect(check.core.ledger.balances().pools.find((p) => p.pool === 'local:grant')).toMatchObject({ posted: 1000, reserved: 1000, available: 0 });
      expect(check.core.ledger.pendingReservations()).toHaveLength(40);
    } finally {
      await check.core.dispose();
    }
  });
});
