import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as m0100 from './0100-create-ledger';

function fresh() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  m0100.up(db);
  const t = '2026-11-22T10:00:00.000Z';
  const acct = db.prepare('INSERT INTO ledger_accounts (id, pool, surface, kind, may_go_negative, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  acct.run('sys:issuance', null, null, 'system', 1, t);
  acct.run('sys:spend', null, null, 'system', 0, t);
  acct.run('api:purchased', 'api:purchased', 'api', 'purchased', 0, t);
  const op = db.prepare("INSERT INTO ledger_ops (id, kind, request, result, reservation_id, created_at, day) VALUES (?, ?, '{}', '{}', ?, ?, '2026-11-22')");
  const entry = db.prepare(
    "INSERT INTO ledger_entries (id, op_id, debit_account, credit_account, amount, is_pending, pending_id, resolution, created_at, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '2026-11-22')",
  );
  return { db, t, op, entry };
}

describe('0100 create-ledger', () => {
  it('is version 100', () => {
    expect(m0100.version).toBe(100);
  });

  it('refuses an overdraft counting reservations, except on accounts allowed to go negative', () => {
    const { db } = fresh();
    const add = db.prepare('UPDATE ledger_accounts SET credits_posted = credits_posted + @cp, debits_posted = debits_posted + @dp, debits_pending = debits_pending + @dpe WHERE id = @id');
    add.run({ id: 'api:purchased', cp: 100, dp: 0, dpe: 0 });
    add.run({ id: 'api:purchased', cp: 0, dp: 60, dpe: 40 });
    expect(() => add.run({ id: 'api:purchased', cp: 0, dp: 0, dpe: 1 })).toThrow(/CHECK constraint failed/);
    expect(() => add.run({ id: 'sys:issuance', cp: 0, dp: 500, dpe: 0 })).not.toThrow();
    expect(() => add.run({ id: 'api:purchased', cp: -200, dp: 0, dpe: 0 })).toThrow(/CHECK constraint failed/);
  });

  it('keeps entries and ops append-only', () => {
    const { db, t, op, entry } = fresh();
    op.run('g1', 'grant', null, t);
    entry.run('g1#0', 'g1', 'sys:issuance', 'api:purchased', 100, 0, null, null, t);
    expect(() => db.prepare('UPDATE ledger_entries SET amount = 5').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM ledger_entries').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE ledger_ops SET kind = 'adjust'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM ledger_ops').run()).toThrow(/append-only/);
    expect(db.prepare('SELECT amount FROM ledger_entries').get()).toEqual({ amount: 100 });
  });

  it('resolves a pending entry at most once, and a reservation by at most one capture or void', () => {
    const { t, op, entry } = fresh();
    op.run('r1', 'reserve', null, t);
    entry.run('r1#0', 'r1', 'api:purchased', 'sys:spend', 50, 1, null, null, t);
    op.run('c1', 'capture', 'r1', t);
    entry.run('c1#0', 'c1', 'api:purchased', 'sys:spend', 40, 0, 'r1#0', 'post', t);
    expect(() => entry.run('c1#1', 'c1', 'api:purchased', 'sys:spend', 0, 0, 'r1#0', 'void', t)).toThrow(/UNIQUE/);
    expect(() => op.run('v1', 'void', 'r1', t)).toThrow(/UNIQUE/);
    expect(() => op.run('f1', 'refund', 'r1', t)).not.toThrow();
  });

  it('refuses malformed entries: zero plain amounts, a void that posts, self-transfers, unknown accounts and ops', () => {
    const { t, op, entry } = fresh();
    op.run('x', 'grant', null, t);
    expect(() => entry.run('x#0', 'x', 'sys:issuance', 'api:purchased', 0, 0, null, null, t)).toThrow(/CHECK/);
    expect(() => entry.run('x#1', 'x', 'api:purchased', 'api:purchased', 5, 0, null, null, t)).toThrow(/CHECK/);
    expect(() => entry.run('x#2', 'x', 'sys:issuance', 'web:nowhere', 5, 0, null, null, t)).toThrow(/FOREIGN KEY/);
    expect(() => entry.run('x#3', 'missing-op', 'sys:issuance', 'api:purchased', 5, 0, null, null, t)).toThrow(/FOREIGN KEY/);
    expect(() => entry.run('x#4', 'x', 'sys:issuance', 'api:purchased', -5, 0, null, null, t)).toThrow(/CHECK/);
    op.run('r', 'reserve', null, t);
    entry.run('r#0', 'r', 'api:purchased', 'sys:spend', 5, 1, null, null, t);
    expect(() => entry.run('r#1', 'r', 'api:purchased', 'sys:spend', 5, 0, 'r#0', 'void', t)).toThrow(/CHECK/);
    expect(() => op.run('bad', 'steal', null, t)).toThrow(/CHECK/);
  });
});
