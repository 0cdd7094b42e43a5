import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LocalCore as Core } from '../../electron/core/createCore';
import { main } from '../../electron/host/cli';
import { rendererDir } from '../../electron/host/paths';
import { startHost, type RunningHost } from '../../electron/host/server';
import { studioAuthenticate, type IdentityProvider } from '../../electron/host/studio/memberAuth';
import { needsOn, studioDatabase, testCoreOn } from '../support/coreOn';
import { FakeClock, testCore } from '../support/core';
import { rawRequest } from '../support/http';
import { describeWith } from '../support/needs';

// Issue 18 item 2 at the door: a host with the studio's authenticate (member tokens from the database)
// accepts an invite with no session, answers 401 naming why a token is refused and 403 naming the role
// needed, and closes a member's socket the moment their token is revoked. Then the CLI's fixed commands.

let core: Core;
let host: RunningHost;
let cleanup: () => Promise<void>;
const clock = new FakeClock();

beforeAll(async () => {
  const t = testCore({ clock });
  core = t.core;
  cleanup = t.cleanup;
  host = await startHost({ core, rendererDir, authenticate: studioAuthenticate(core, async () => null) });
});
afterAll(async () => {
  await host.close();
  await cleanup();
});

const rpc = async (name: string, input: unknown, token?: string) => {
  const r = await rawRequest(`${host.url}rpc/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(input) });
  return { status: r.status, body: r.json() as { ok: boolean; value?: Record<string, unknown>; error?: { code: string; message: string } } };
};

async function member(role: string, name: string): Promise<{ token: string; tokenId: string; memberId: string }> {
  const made = await rpc('studio.invite', { role, name }, host.ownerToken);
  const joined = await rpc('studio.acceptInvite', { secret: made.body.value!.secret }); // no token at all
  expect(joined.status).toBe(200);
  const v = joined.body.value as { token: string; tokenId: string; member: { id: string } };
  return { token: v.token, tokenId: v.tokenId, memberId: v.member.id };
}

describe('member tokens at the host', () => {
  it('accepts an invite once with no session; any other call without a token is 401', async () => {
    const made = await rpc('studio.invite', { role: 'reviewer', name: 'Rae' }, host.ownerToken);
    expect(await rpc('studio.acceptInvite', { secret: made.body.value!.secret })).toMatchObject({ status: 200 });
    expect(await rpc('studio.acceptInvite', { secret: made.body.value!.secret })).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT', message: /already accepted/ } } });
    expect(await rpc('projects.list', {})).toMatchObject({ status: 401 });
  });

  it('answers a member by role: 403 naming the role needed, and the name recorded', async () => {
    const fay = await member('filmmaker', 'Fay');
    expect(await rpc('finalize.run', { projectId: 'prj_x', takeIds: ['tk_x'], expectedCredits: 0 }, fay.token)).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN', message: 'A filmmaker may not call finalize.run: it needs the producer role; ask an admin.' } },
    });
    expect(await rpc('studio.members', {}, fay.token)).toMatchObject({ status: 403, body: { error: { message: /needs the admin role; ask an admin/ } } });
    expect((await rpc('projects.list', {}, fay.token)).status).toBe(200);
  });

  it('refuses unknown, revoked and expired tokens with 401 naming the reason, and closes a revoked member’s socket at once', async () => {
    expect(await rpc('projects.list', {}, `ctm_${'1'.repeat(64)}`)).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED', message: /unknown token/ } } });
    const pat = await member('producer', 'Pat');
    const ws = new WebSocket(`${host.url.replace('http', 'ws')}events`, { headers: { authorization: `Bearer ${pat.token}`, origin: host.url.replace(/\/$/, '') } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    expect((await rpc('studio.revokeToken', { id: pat.tokenId }, host.ownerToken)).status).toBe(200);
    expect(await closed).toBe(1008);
    expect(await rpc('projects.list', {}, pat.token)).toMatchObject({ status: 401, body: { error: { message: /revoked token/ } } });

    const lou = await member('reviewer', 'Lou');
    clock.advance(91 * 86_400_000);
    expect(await rpc('projects.list', {}, lou.token)).toMatchObject({ status: 401, body: { error: { message: /expired token: it expired on/ } } });
  });
});

describe('the single sign-on seam (IdentityProvider)', () => {
  it("asks a provider only for a token the studio does not know, and answers with the member it names or the provider's reason", async () => {
    const asked: string[] = [];
    const sso: IdentityProvider = {
      name: 'test-sso',
      async identify(token) {
        asked.push(token);
        if (!token.startsWith('sso.')) return null;
        if (token === 'sso.stale') return { reason: 'single sign-on: the ID token expired; sign in again.' };
        const found = (await core.accounts.members()).find((m) => m.name === token.slice(4));
        return found ? { role: found.role, label: found.name, memberId: found.id } : { reason: 'single sign-on: no member of this studio has that identity; ask an admin for an invite.' };
      },
    };
    const ssoHost = await startHost({ core, rendererDir, authenticate: studioAuthenticate(core, async () => null, [sso]) });
    try {
      const call = async (name: string, input: unknown, token: string) => {
        const r = await rawRequest(`${ssoHost.url}rpc/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(input) });
        return { status: r.status, body: r.json() as { error?: { message: string } } };
      };
      const made = await call('studio.invite', { role: 'reviewer', name: 'Sol' }, ssoHost.ownerToken);
      const joined = await call('studio.acceptInvite', { secret: (made.body as { value: { secret: string } }).value.secret }, '');
      const solToken = (joined.body as { value: { token: string; tokenId: string } }).value;
      expect((await call('projects.list', {}, 'sso.Sol')).status).toBe(200);
      expect(await call('finalize.run', { projectId: 'prj_x', takeIds: ['tk_x'], expectedCredits: 0 }, 'sso.Sol')).toMatchObject({ status: 403, body: { error: { message: /A reviewer may not call finalize.run/ } } });
      expect(await call('projects.list', {}, 'sso.stale')).toMatchObject({ status: 401, body: { error: { message: /ID token expired/ } } });
      expect(await call('projects.list', {}, 'sso.Nobody')).toMatchObject({ status: 401, body: { error: { message: /no member of this studio has that identity/ } } });
      // The studio's own tokens never reach a provider, and a revoked one stays refused for its reason.
      asked.length = 0;
      expect((await call('projects.list', {}, solToken.token)).status).toBe(200);
      await call('studio.revokeToken', { id: solToken.tokenId }, ssoHost.ownerToken);
      expect(await call('projects.list', {}, solToken.token)).toMatchObject({ status: 401, body: { error: { message: /revoked token/ } } });
      expect(asked).toEqual([]);
      expect(await call('projects.list', {}, 'mistyped')).toMatchObject({ status: 401, body: { error: { message: /unknown token/ } } });
      expect(asked).toEqual(['mistyped']);
    } finally {
      await ssoHost.close();
    }
  });
});

describeWith(needsOn('postgres'), 'circletake studio invite, members, revoke', () => {
  it('prints a one-time secret, lists members with their tokens (no secret), and revokes a token by id', async () => {
    const databaseUrl = await studioDatabase();
    // In this process (the same entry bin/circletake.js runs), so the test costs no process starts.
    const cli = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['studio', ...args, '--json', '--database-url', databaseUrl], { out: (t) => out.push(t), err: (t) => err.push(t) });
      return { code, out: out.length ? (JSON.parse(out.join('\n')) as Record<string, unknown>) : {}, err: err.join('\n') };
    };
    const bad = await cli('invite', '--role', 'owner', '--name', 'Olly');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--role must be one of admin, filmmaker, producer, reviewer/);
    const made = await cli('invite', '--role', 'filmmaker', '--name', 'Fay', '--expires', '3');
    expect(made.code).toBe(0);
    expect(made.out).toMatchObject({ ok: true, invite: { name: 'Fay', role: 'filmmaker' }, secret: expect.stringMatching(/^cti_[0-9a-f]{64}$/) });
    const studio = await testCoreOn('postgres', { databaseUrl });
    const joined = await studio.core.dispatch('studio.acceptInvite', { secret: made.out.secret }, { role: 'guest', door: 'host' });
    await studio.cleanup();
    expect(joined.ok).toBe(true);
    const token = (joined as { value: { token: string; tokenId: string } }).value;

    const listed = await cli('members');
    expect(listed.code).toBe(0);
    expect(listed.out).toMatchObject({ ok: true, members: [{ name: 'Fay', role: 'filmmaker', disabled: false, tokens: [{ id: token.tokenId, state: 'live', lastUsedAt: null }] }] });
    expect(JSON.stringify(listed.out)).not.toContain(token.token);

    const revoked = await cli('revoke', token.tokenId);
    expect(revoked).toMatchObject({ code: 0, out: { ok: true, token: { id: token.tokenId, state: 'revoked', memberName: 'Fay' } } });
    expect((await cli('revoke', 'tok_nosuchtoken00')).code).toBe(3);
  });
});
