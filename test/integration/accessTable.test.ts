import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_ACCESS, callNames, neededRoles, type Caller } from '../../shared/contract';
import type { LocalCore as Core } from '../../electron/core/createCore';
import { testCore } from '../support/core';

// Issue 18 item 2: every contract entry checked against every role, through the core's real dispatcher
// (the one every door calls), from the one access table (shared/contract/access.ts).

const CALLERS: readonly Caller[] = ['owner', 'admin', 'filmmaker', 'producer', 'reviewer', 'guest'];
let core: Core;
let cleanup: () => Promise<void>;

beforeAll(() => {
  const t = testCore();
  core = t.core;
  cleanup = t.cleanup;
});
afterAll(async () => {
  await cleanup();
});

describe('the access table through the real dispatch', () => {
  it('lets each caller make exactly the calls its row allows, and refuses the rest naming the role needed', async () => {
    const wrong: string[] = [];
    for (const name of callNames) {
      for (const role of CALLERS) {
        // A payload no schema accepts: an allowed caller gets VALIDATION (after the role check), so nothing runs.
        const r = await core.dispatch(name, 7, { role, door: 'host', ...(role === 'owner' || role === 'guest' ? {} : { author: 'Kim', memberId: 'mem_0000000000kim' }) });
        const code = r.ok ? 'ok' : r.error.code;
        const allowed = CALL_ACCESS[name].includes(role);
        const refusal = role === 'guest' ? 'UNAUTHORIZED' : 'FORBIDDEN';
        if (allowed ? code !== 'VALIDATION' : code !== refusal) wrong.push(`${role} ${name}: ${code}`);
        if (!allowed && !r.ok) {
          const need = neededRoles(name);
          const says = role === 'guest' ? /needs a member's token/ : need[0] === 'owner' ? /only the studio's owner/ : new RegExp(`needs the .*${need[0]}.* role; ask an admin`);
          if (!says.test(r.error.message)) wrong.push(`${role} ${name}: message "${r.error.message}"`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('gives the owner every call, and members what their role says', () => {
    expect(callNames.filter((n) => !CALL_ACCESS[n].includes('owner'))).toEqual([]);
    const of = (role: Caller) => callNames.filter((n) => CALL_ACCESS[n].includes(role));
    // A filmmaker generates: drafts, estimates, submits, cancels and retries; never finalizes, exports or runs the studio.
    expect(of('filmmaker')).toEqual(expect.arrayContaining(['drafts.save', 'credits.estimate', 'credits.quote', 'jobs.submit', 'jobs.cancel', 'jobs.retry', 'tags.add', 'comments.add']));
    expect(of('filmmaker').filter((n) => /^(finalize|export|shortlist\.(set|auto)|studio\.(invite|setRole|audit)|credits\.grant)/.test(n))).toEqual([]);
    // A producer shortlists, finalizes and exports; never submits a draft of its own.
    expect(of('producer')).toEqual(expect.arrayContaining(['shortlist.set', 'finalize.run', 'export.run', 'tags.add', 'comments.add']));
    expect(of('producer')).not.toContain('jobs.submit');
    // Admins run the studio but touch no path on the server's disk.
    expect(of('admin')).toEqual(expect.arrayContaining(['studio.invite', 'studio.members', 'studio.tokens', 'studio.revokeToken', 'studio.setRole', 'studio.audit', 'credits.grant']));
    expect(of('admin').filter((n) => ['stitch.run', 'media.checkFile', 'takes.files', 'labels.importManifest', 'system.pickFolder'].includes(n))).toEqual([]);
    // No session at all: only accepting an invite.
    expect(of('guest')).toEqual(['studio.acceptInvite']);
  });

  it('says who to ask: "needs the producer role; ask an admin"', async () => {
    const r = await core.dispatch('finalize.run', { projectId: 'prj_x', takeIds: ['tk_x'], expectedCredits: 1 }, { role: 'filmmaker', door: 'host', memberId: 'mem_0000000000kim', author: 'Kim' });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: 'A filmmaker may not call finalize.run: it needs the producer role; ask an admin.', details: { needs: ['producer'] } } });
    const s = await core.dispatch('studio.invite', { role: 'reviewer', name: 'Rae' }, { role: 'producer', door: 'host' });
    expect(s).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: 'A producer may not call studio.invite: it needs the admin role; ask an admin.' } });
  });
});
