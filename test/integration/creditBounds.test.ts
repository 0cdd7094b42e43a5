import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE_NAME, type Core } from '../../electron/core/createCore';
import { MAX_CREDITS_PER_OP, MAX_CREDITS_TOTAL } from '../../shared/money/pools';
import { ENGINES, testCoreOn, type EngineName } from '../support/coreOn';
import { pgNeed } from '../support/engines';
import { describeWith } from '../support/needs';
import { tempDir } from '../support/tmp';

// Credits have bounds (issue 13 item 8): every amount is an integer of at most 10^12 in one operation,
// all credits issued stay at most 10^15, so every figure the books add up is exact. Out of bounds is
// VALIDATION naming the field (and pool) before anything is written, through the contract and the CLI;
// a write's answer is validated inside its transaction, so books the contract cannot carry never commit.
// The core's rules run on both engines; the CLI test stays on SQLite: it tampers with the data dir's file.
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const owner = { role: 'owner' as const, door: 'cli' as const };
const HUGE = 2 ** 53 - 1;

async function setup(engine: EngineName): Promise<Core> {
  const t = await testCoreOn(engine);
  cleanups.push(t.cleanup);
  return t.core;
}

/** What must hold after every refusal: nothing written, the books balance, balances still answer. */
async function unchanged(core: Core, entries: number): Promise<void> {
  expect(await core.ledger.history({ limit: 10_000 })).toHaveLength(entries);
  expect((await core.ledger.audit()).problems).toEqual([]);
  expect(await core.dispatch('credits.balances', {}, owner)).toMatchObject({ ok: true });
}

for (const engine of ENGINES) describeWith(engine === 'postgres' ? [pgNeed] : [], `credit bounds · ${engine}`, () => {
  it('refuses 2^53−1 and anything above 10^12 in one operation as VALIDATION naming the field, writing nothing', async () => {
    const core = await setup(engine);
    const entries = (await core.ledger.history({ limit: 10_000 })).length;
    const refused: [string, Record<string, unknown>, string][] = [
      ['credits.grant', { id: 'g-huge', pool: 'local:grant', credits: HUGE }, 'credits'],
      ['credits.grant', { id: 'g-over', pool: 'local:grant', credits: MAX_CREDITS_PER_OP + 1 }, 'credits'],
      ['credits.grant', { id: 'g-frac', pool: 'local:grant', credits: 2.5 }, 'credits'],
      ['credits.purchase', { id: 'p-huge', surface: 'api', credits: HUGE }, 'credits'],
      ['credits.adjust', { id: 'a-huge', pool: 'local:grant', credits: -HUGE, reason: 'a typo with many nines' }, 'credits'],
      ['credits.setBudget', { projectId: 'prj_x', credits: HUGE }, 'credits'],
    ];
    for (const [call, input, field] of refused) {
      const r = await core.dispatch(call, input, owner);
      expect(r, `${call} ${JSON.stringify(input)}`).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field } } });
      if (Number(input.credits) > MAX_CREDITS_PER_OP || Number(input.credits) < -MAX_CREDITS_PER_OP) {
        expect((r as { error: { message: string } }).error.message).toContain('at most 1,000,000,000,000 (10^12) credits in one operation');
      }
    }
    await unchanged(core, entries);
    // The same bound on the ledger's own door (a capture's actual cost).
    await core.ledger.reserve({ id: 'r1', jobId: 'j1', projectId: null, stage: 'generate', artifactClass: 'preview', amounts: { local: 10 } });
    for (const bad of [HUGE, MAX_CREDITS_PER_OP + 1, 2.5, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(core.ledger.capture('r1', bad), String(bad)).rejects.toThrow(expect.objectContaining({ code: 'VALIDATION', details: { field: 'actual' } }));
    }
    expect((await core.ledger.reservation('r1')).state).toBe('pending');

    // Exactly 10^12 is allowed, and every figure stays exact.
    expect(await core.dispatch('credits.grant', { id: 'g-max', pool: 'local:grant', credits: MAX_CREDITS_PER_OP }, owner)).toMatchObject({ ok: true });
    const local = (await core.ledger.balances()).pools.find((p) => p.pool === 'local:grant')!;
    expect(local.posted).toBe(MAX_CREDITS_PER_OP + 10_000);
    expect((await core.ledger.audit()).problems).toEqual([]);
  });

  it('checks the total: credits issued stay within 10^15, refused naming the pool', async () => {
    const core = await setup(engine);
    const per = MAX_CREDITS_PER_OP;
    const fits = MAX_CREDITS_TOTAL / per - 1; // 999 × 10^12, plus the plan's own 10,000-credit grant
    // In waves of 50: all 999 at once would queue on PostgreSQL's pool past its connect timeout.
    for (let from = 0; from < fits; from += 50) {
      await Promise.all(Array.from({ length: Math.min(50, fits - from) }, (_, i) => core.ledger.grant({ id: `g${from + i}`, pool: 'local:grant', credits: per })));
    }
    const entries = (await core.ledger.history({ limit: 10_000 })).length;
    const over = await core.dispatch('credits.purchase', { id: 'p-over', surface: 'api', credits: per }, owner);
    expect(over).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'credits', pool: 'api:purchased', max: MAX_CREDITS_TOTAL } } });
    expect((over as { error: { message: string } }).error.message).toMatch(/^credits: 1,000,000,000,000 more credits into api:purchased would put 1,000,000,000,010,000 in the books, above the 1,000,000,000,000,000 \(10\^15\)/);
    await unchanged(core, entries);
    // Taking credits out makes room again.
    expect(await core.dispatch('credits.adjust', { id: 'a-out', pool: 'local:grant', credits: -per, reason: 'correction' }, owner)).toMatchObject({ ok: true });
    expect(await core.dispatch('credits.purchase', { id: 'p-fits', surface: 'api', credits: per }, owner)).toMatchObject({ ok: true });
    const b = await core.ledger.balances();
    for (const p of b.pools) expect(Number.isSafeInteger(p.posted)).toBe(true);
    expect((await core.ledger.audit()).problems).toEqual([]);
  });

  it('validates a write\'s answer before its transaction commits: books it could not report are rolled back', async () => {
    const core = await setup(engine);
    const entries = (await core.ledger.history({ limit: 10_000 })).length;
    // A cached total pushed past 2^53 behind the ledger's back: the next grant's answer cannot be reported.
    await core.engine.run("UPDATE ledger_accounts SET credits_posted = credits_posted + 9007199254740000 WHERE id = 'local:grant'");
    const r = await core.dispatch('credits.grant', { id: 'g-small', pool: 'local:grant', credits: 5 }, owner);
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(await core.ledger.history({ limit: 10_000 })).toHaveLength(entries);
    expect(await core.engine.get("SELECT count(*) AS n FROM ledger_ops WHERE id = 'g-small'")).toEqual({ n: 0 });
  });
});

// SQLite only: the test writes to the data dir's file behind the CLI's back.
describe('credit bounds · the CLI on SQLite', () => {

  it('the CLI refuses 2^53−1 with one line naming credits, exit 2; its audit balances the books and names a wrong spend total', async () => {
    const t = tempDir('ct-bounds-cli-');
    try {
      const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/circletake.js', ...args, '--data-dir', t.dir], { encoding: 'utf8', timeout: 120_000 });
      const r = cli('ledger', 'grant', '--pool', 'local:grant', '--credits', String(HUGE));
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^circletake: .*credits: must be at most 1,000,000,000,000 \(10\^12\) credits in one operation/);
      const audit = cli('ledger', 'audit', '--json');
      expect(audit.status).toBe(0);
      expect(JSON.parse(audit.stdout)).toMatchObject({ ok: true, problems: [] });
      // The audit also recomputes the running spend totals: one kept behind the ledger's back is named.
      const db = new Database(join(t.dir, DB_FILE_NAME));
      db.prepare("INSERT INTO ledger_spend (scope, key, period, held, posted) VALUES ('pool', 'local:grant', 'all', 0, 7)").run();
      db.close();
      const tampered = cli('ledger', 'audit');
      expect(tampered.status).toBe(1);
      expect(tampered.stdout).toContain('spend total pool local:grant all: kept held 0 posted 7, entries say none');
    } finally {
      t.cleanup();
    }
  }, 240_000);
});
