import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as m0100 from './0100-create-ledger';
import * as m0890 from './0890-create-accounts';

describe('0890 create-accounts', () => {
  it('is version 890', () => {
    expect(m0890.version).toBe(890);
  });

  it('keeps members of the four member roles, secrets and tokens only as sha-256 digests, an invite accepted by one member', () => {
    const db = new Database(':memory:');
    m0100.up(db);
    m0890.up(db);
    const member = db.prepare("INSERT INTO members (id, name, role, created_by, created_at) VALUES (?, ?, ?, 'owner', 1)");
    member.run('mem_1', 'Fay', 'filmmaker');
    expect(() => member.run('mem_2', 'Olly', 'owner')).toThrow(/CHECK/);
    expect(() => member.run('mem_3', '', 'reviewer')).toThrow(/CHECK/);
    const token = db.prepare("INSERT INTO member_tokens (id, member_id, token_sha256, label, created_at, expires_at) VALUES (?, ?, ?, 'x', 1, 2)");
    token.run('tok_1', 'mem_1', 'a'.repeat(64));
    expect(() => token.run('tok_2', 'mem_1', 'a'.repeat(64))).toThrow(/UNIQUE/);
    expect(() => token.run('tok_3', 'mem_1', 'ctm_' + 'b'.repeat(60))).toThrow(/CHECK/);
    const invite = db.prepare("INSERT INTO member_invites (id, secret_sha256, name, role, created_by, created_at, expires_at, accepted_at, member_id) VALUES (?, ?, 'Fay', 'filmmaker', 'owner', 1, 2, ?, ?)");
    invite.run('inv_1', 'c'.repeat(64), null, null);
    expect(() => invite.run('inv_2', 'd'.repeat(64), 5, null)).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO account_events (id, at, kind, detail) VALUES ('e', 1, 'nonsense', '')").run()).toThrow(/CHECK/);
  });
});
