import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as m0100 from './0100-create-ledger';
import * as m0820 from './0820-allow-provider-sync';

describe('0820 allow-provider-sync', () => {
  it('is version 820', () => {
    expect(m0820.version).toBe(820);
  });

  it('lets ledger_ops hold provider_sync, keeps every other rule, the rows and the append-only triggers', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    m0100.up(db);
    const op = db.prepare("INSERT INTO ledger_ops (id, kind, request, result, created_at, day) VALUES (?, ?, '{}', '{}', 't', '2026-12-03')");
    op.run('g1', 'grant');
    expect(() => op.run('s0', 'provider_sync')).toThrow(/CHECK/);
    db.transaction(() => m0820.up(db)).immediate();
    op.run('s1', 'provider_sync');
    expect(() => op.run('x', 'steal')).toThrow(/CHECK/);
    expect(() => db.prepare("DELETE FROM ledger_ops WHERE id = 'g1'").run()).toThrow(/append-only/);
    expect(db.prepare('SELECT id, kind FROM ledger_ops ORDER BY rowid').all()).toEqual([
      { id: 'g1', kind: 'grant' },
      { id: 's1', kind: 'provider_sync' },
    ]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // Running it again changes nothing.
    m0820.up(db);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
