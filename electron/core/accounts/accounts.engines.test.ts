import { afterEach, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/core';
import { describeEachEngine } from '../../../test/support/engines';
import { ledgerOn } from '../../../test/support/ledgerOn';
import { CoreEvents } from '../coreEvents';
import type { SqlEngine } from '../db/engine/sqlEngine';
import { createIds, silentLogger } from '../nodePorts';
import { Accounts, secretDigest, TOKEN_DAYS } from './accounts';

const DAY = 86_400_000;
const disposers: (() => void)[] = [];
afterEach(() => {
  for (const d of disposers.splice(0)) d();
});

function accountsOn(engine: SqlEngine, clock = new FakeClock(Date.parse('2026-12-03T10:00:00Z'))) {
  const events = new CoreEvents(silentLogger, true);
  disposers.push(() => events.dispose());
  const heard: string[] = [];
  events.subscribe((name, p) => heard.push(`${name}:${(p as { kind: string }).kind}`));
  return { clock, heard, accounts: new Accounts(engine, events, clock, createIds(clock)) };
}

/** Every text value in every row of the account tables, to look for a secret in them. */
async function storedText(engine: SqlEngine): Promise<string> {
  const rows = [];
  for (const t of ['members', 'member_invites', 'member_tokens', 'account_events']) rows.push(...(await engine.all(`SELECT * FROM ${t}`)));
  return JSON.stringify(rows);
}

describeEachEngine('Accounts on the engine port', (open) => {
  it('turns an invite into a member and a token once; a second accept is refused; only digests are stored', async () => {
    const engine = await open();
    const { accounts, heard } = accountsOn(engine);
    const { invite, secret } = await accounts.invite({ role: 'filmmaker', name: ' Fay ', expiresInDays: 7 }, null);
    expect(invite).toMatchObject({ name: 'Fay', role: 'filmmaker', createdBy: 'owner' });
    const joined = await accounts.accept(secret, 'laptop');
    expect(joined.member).toMatchObject({ name: 'Fay', role: 'filmmaker', disabled: false });
    expect(joined.token).toMatch(/^ctm_[0-9a-f]{64}$/);
    await expect(accounts.accept(secret)).rejects.toMatchObject({ code: 'CONFLICT', details: { reason: 'accepted' } });
    expect(await accounts.members()).toHaveLength(1);
    expect(await accounts.authenticate(joined.token)).toEqual({ memberId: joined.member.id, name: 'Fay', role: 'filmmaker', tokenId: joined.tokenId });
    // Neither secret is in the database; their sha-256 digests are.
    const stored = await storedText(engine);
    expect(stored).not.toContain(secret.slice(4));
    expect(stored).not.toContain(joined.token.slice(4));
    expect(stored).toContain(secretDigest(secret));
    expect(stored).toContain(secretDigest(joined.token));
    expect(heard).toEqual(['studio.changed:invited', 'studio.changed:joined']);
  });

  it('refuses an expired invite, and names unknown, expired, revoked and disabled tokens', async () => {
    const engine = await open();
    const { accounts, clock } = accountsOn(engine);
    const late = await accounts.invite({ role: 'reviewer', name: 'Lou', expiresInDays: 1 }, null);
    const { secret } = await accounts.invite({ role: 'reviewer', name: 'Rae', expiresInDays: 3 }, null);
    const rae = await accounts.accept(secret);
    clock.advance(2 * DAY);
    await expect(accounts.accept(late.secret)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: /expired on 2026-12-04/ });
    await expect(accounts.accept(`cti_${'0'.repeat(64)}`)).rejects.toMatchObject({ code: 'UNAUTHORIZED', details: { reason: 'unknown' } });
    expect(await accounts.authenticate(`ctm_${'0'.repeat(64)}`)).toMatchObject({ reason: 'unknown', message: /^unknown token: this studio has no such token/ });
    expect(await accounts.authenticate('not-a-token')).toMatchObject({ reason: 'unknown' });

    expect((await accounts.setDisabled(rae.member.id, true, null)).disabled).toBe(true);
    expect(await accounts.authenticate(rae.token)).toMatchObject({ reason: 'disabled', message: "disabled member: Rae's account is disabled; ask an admin." });
    await accounts.setDisabled(rae.member.id, false, null);
    expect(await accounts.authenticate(rae.token)).toMatchObject({ name: 'Rae' });

    clock.advance(TOKEN_DAYS * DAY);
    expect(await accounts.authenticate(rae.token)).toMatchObject({ reason: 'expired', message: /^expired token: it expired on 2027-03-03/ });
    const revoked = await accounts.revokeToken(rae.tokenId, null);
    expect(revoked).toMatchObject({ state: 'revoked', memberName: 'Rae' });
    expect(await accounts.authenticate(rae.token)).toMatchObject({ reason: 'revoked', message: /^revoked token: it was revoked on 2027-03-05/ });
    await expect(accounts.revokeToken('tok_missing00000', null)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'id' } });
  });

  it('lists tokens per member with created, last used and expiry, never the secret', async () => {
    const engine = await open();
    const { accounts, clock } = accountsOn(engine);
    const a = await accounts.accept((await accounts.invite({ role: 'producer', name: 'Pat', expiresInDays: 7 }, null)).secret);
    const b = await accounts.accept((await accounts.invite({ role: 'reviewer', name: 'Rob', expiresInDays: 7 }, null)).secret);
    clock.advance(5000);
    await accounts.authenticate(a.token);
    const pats = await accounts.tokens(a.member.id);
    expect(pats).toEqual([{ id: a.tokenId, memberId: a.member.id, memberName: 'Pat', label: 'invite', createdAt: a.expiresAt - TOKEN_DAYS * DAY, lastUsedAt: clock.now(), expiresAt: a.expiresAt, revokedAt: null, state: 'live' }]);
    expect((await accounts.tokens()).map((t) => t.memberName).sort()).toEqual(['Pat', 'Rob']);
    expect(JSON.stringify(await accounts.tokens())).not.toContain(b.token);
    // A use within the minute is not written again.
    clock.advance(10_000);
    await accounts.authenticate(a.token);
    expect((await accounts.tokens(a.member.id))[0]!.lastUsedAt).toBe(clock.now() - 10_000);
  });

  it('audits a member’s reserve and capture, an admin’s grant and a role change, newest first, paged', async () => {
    const engine = await open();
    const l = await ledgerOn(engine, new FakeClock(Date.parse('2026-12-03T10:00:00Z')));
    const { accounts, clock } = accountsOn(engine, l.clock as FakeClock);
    const admin = await accounts.accept((await accounts.invite({ role: 'admin', name: 'Ada', expiresInDays: 7 }, null)).secret);
    const fay = await accounts.accept((await accounts.invite({ role: 'filmmaker', name: 'Fay', expiresInDays: 7 }, admin.member.id)).secret);
    clock.advance(1000);
    const r = await l.ledger.reserve({ id: 'res-j1', jobId: 'job_1', projectId: 'prj_a', userId: fay.member.id, stage: 'generate', artifactClass: 'preview', amounts: { local: 40 } });
    clock.advance(1000);
    await l.ledger.capture(r.id, 30);
    clock.advance(1000);
    await l.ledger.grant({ id: 'op_grant_1', pool: 'local:grant', credits: 500 });
    await accounts.recordCall(admin.member.id, 'credits.grant', 'op_grant_1');
    clock.advance(1000);
    await accounts.setRole(fay.member.id, 'producer', admin.member.id);
    expect(await accounts.jobOwner('job_1')).toBe(fay.member.id);

    const page = await accounts.audit({ limit: 50, offset: 0 });
    const lines = page.entries.map((e) => `${e.memberName} ${e.kind} ${e.action}${e.credits === null ? '' : ` ${e.credits}`}`);
    expect(lines.slice(0, 4)).toEqual(['Ada account roleChanged', 'Ada money grant 500', 'Fay money capture 30', 'Fay money reserve 40']);
    expect(page.entries[0]).toMatchObject({ subject: fay.member.id, detail: 'Fay: filmmaker → producer' });
    expect(lines).toContain('Ada account invited');
    expect(page.nextOffset).toBeNull();

    const fays = await accounts.audit({ memberId: fay.member.id, limit: 2, offset: 0 });
    expect(fays.entries.map((e) => e.action)).toEqual(['capture', 'reserve']);
    expect(fays.nextOffset).toBe(2);
    const rest = await accounts.audit({ memberId: fay.member.id, limit: 2, offset: 2 });
    expect(rest.entries.map((e) => e.action)).toEqual(['joined']);
    expect(rest.nextOffset).toBeNull();
    await l.close();
  });
});
