import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRole } from '../../shared/contract';
import type { LocalCore as Core } from '../../electron/core/createCore';
import type { CallContext } from '../../electron/core/dispatch';
import { FakeClock, testCore } from '../support/core';
import { callAs, joinAs } from '../support/members';

// Issue 18 item 2 through the core's dispatcher: an invite accepted with no session, a member's calls
// made under their token's identity, a filmmaker's own jobs only, and who did what in the audit.

let core: Core;
let cleanup: () => Promise<void>;
const clock = new FakeClock();
const OWNER: CallContext = { role: 'owner', door: 'cli' };

beforeAll(() => {
  const t = testCore({ clock });
  core = t.core;
  cleanup = t.cleanup;
});
afterAll(async () => {
  await cleanup();
});

const call = <T>(name: string, input: unknown, ctx: CallContext): Promise<T> => callAs<T>(core, name, input, ctx);
const join = (role: MemberRole, name: string) => joinAs(core, role, name);

const params = { provider: 'local', model: 'gen4_turbo', durationSec: 5, ratio: '1280:720', prompt: 'a kite over the dunes' };

describe('members through the dispatcher', () => {
  it('lets a filmmaker cancel only its own jobs, and records who reserved, voided and granted', async () => {
    const fay = await join('filmmaker', 'Fay');
    const finn = await join('filmmaker', 'Finn');
    const ada = await join('admin', 'Ada');
    clock.advance(1000);
    const { jobId } = await call<{ jobId: string }>('jobs.submit', { params, projectName: 'Dunes', userId: 'someone else' }, fay);
    // The job says who asked (the session's member, whatever the input claims), and a member learns its own id.
    expect(await call('jobs.get', { id: jobId }, fay)).toMatchObject({ submittedBy: fay.memberId });
    expect(await call('system.connection', {}, fay)).toMatchObject({ member: { id: fay.memberId, role: 'filmmaker' } });
    const theirs = await core.dispatch('jobs.cancel', { id: jobId }, finn);
    expect(theirs).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: `Job ${jobId} is not yours: a filmmaker cancels only the jobs it submitted; ask an admin.` } });
    clock.advance(1000);
    await call('jobs.cancel', { id: jobId }, fay);
    clock.advance(1000);
    await call('credits.grant', { id: 'op_ada_grant_1', pool: 'local:grant', credits: 250 }, ada);
    clock.advance(1000);
    await call('studio.setRole', { memberId: finn.memberId, role: 'reviewer' }, ada);
    const selfDemotion = await core.dispatch('studio.setRole', { memberId: ada.memberId, role: 'reviewer' }, ada);
    expect(selfDemotion).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { field: 'memberId' } } });

    const { entries } = await call<{ entries: { memberName: string; kind: string; action: string; credits: number | null; jobId: string | null }[] }>('studio.audit', {}, ada);
    const lines = entries.map((e) => `${e.memberName} ${e.kind} ${e.action}`);
    expect(lines.slice(0, 4)).toEqual(['Ada account roleChanged', 'Ada money grant', 'Fay money void', 'Fay money reserve']);
    expect(entries.find((e) => e.action === 'reserve')).toMatchObject({ jobId, credits: expect.any(Number) });
    // Every other change a member made is recorded under their id too (the call, never its input).
    const calls = await core.engine.all<{ actor_id: string; subject: string | null; detail: string }>("SELECT actor_id, subject, detail FROM account_events WHERE kind = 'call' ORDER BY at, id");
    expect(calls.map((c) => `${c.actor_id === fay.memberId ? 'Fay' : c.actor_id === ada.memberId ? 'Ada' : c.actor_id} ${c.detail}`)).toEqual(['Fay jobs.submit', 'Fay jobs.cancel', 'Ada credits.grant']);
    expect(JSON.stringify(calls)).not.toContain('kite');
  });

  it('answers a finished invite and a token once revoked with their reasons', async () => {
    const { secret } = await call<{ secret: string }>('studio.invite', { role: 'reviewer', name: 'Rae' }, OWNER);
    const first = await core.dispatch('studio.acceptInvite', { secret }, { role: 'guest', door: 'host' });
    expect(first.ok).toBe(true);
    const second = await core.dispatch('studio.acceptInvite', { secret }, { role: 'guest', door: 'host' });
    expect(second).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: /already accepted/ } });
    const { tokenId, token } = (first as { value: { tokenId: string; token: string } }).value;
    await call('studio.revokeToken', { id: tokenId }, OWNER);
    expect(await core.accounts.authenticate(token)).toMatchObject({ reason: 'revoked' });
    const guest = await core.dispatch('studio.members', {}, { role: 'guest', door: 'host' });
    expect(guest).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });
});
