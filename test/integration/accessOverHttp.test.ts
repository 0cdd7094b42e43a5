import { afterAll, beforeAll, expect, it } from 'vitest';
import { CALL_ACCESS, callNames, neededRoles, type Caller } from '../../shared/contract';
import { startStudio, type RunningStudio } from '../../electron/host/commands/studioServer';
import { needsOn, studioDatabase } from '../support/coreOn';
import { rawRequest } from '../support/http';
import { describeWith } from '../support/needs';
import { tempDir } from '../support/tmp';

// Issue 18 item 2 at the studio's front door: every contract entry × every role over HTTP against one real
// `circletake studio` server (PostgreSQL), each member holding the token its invite became. The dispatcher's
// table test (accessTable.test.ts) proves the check; this one proves the studio's HTTP door applies it to
// the member behind each token: a call the role may make gets past the role check (here: 400 VALIDATION for a
// payload no schema accepts, so nothing runs), any other is 403 naming the role needed; no token is 401.

const CALLERS: readonly Caller[] = ['owner', 'admin', 'filmmaker', 'producer', 'reviewer', 'guest'];
let studio: RunningStudio;
let dir: ReturnType<typeof tempDir>;
const tokens = new Map<Caller, string>();

const post = (name: string, body: unknown, token?: string) =>
  rawRequest(`${studio.host.url}rpc/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describeWith(needsOn('postgres'), 'the access table through a studio server over HTTP', () => {
  // One test: the studio database is dropped after each test (test/support/coreOn.ts).
  beforeAll(async () => {
    dir = tempDir('ct-access-http-');
    studio = await startStudio({ databaseUrl: await studioDatabase(), dataDir: dir.dir });
    tokens.set('owner', studio.adminToken);
    for (const role of ['admin', 'filmmaker', 'producer', 'reviewer'] as const) {
      const invite = await post('studio.invite', { role, name: `The ${role}` }, studio.adminToken);
      expect(invite.status, invite.body).toBe(200);
      const { secret } = (invite.json() as { value: { secret: string } }).value;
      const accepted = await post('studio.acceptInvite', { secret });
      expect(accepted.status, accepted.body).toBe(200);
      tokens.set(role, (accepted.json() as { value: { token: string } }).value.token);
    }
  });
  afterAll(async () => {
    await studio?.close();
    dir?.cleanup();
  });

  it('lets each member make exactly the calls its role allows, and answers the rest 403 naming the role needed (401 with no token)', async () => {
    const wrong: string[] = [];
    let calls = 0;
    for (const name of callNames) {
      for (const caller of CALLERS) {
        const r = await post(name, 7, tokens.get(caller));
        calls++;
        const error = (r.json() as { error?: { code: string; message: string } }).error;
        const allowed = CALL_ACCESS[name].includes(caller);
        if (allowed) {
          if (r.status !== 400 || error?.code !== 'VALIDATION') wrong.push(`${caller} ${name}: ${r.status} ${error?.code} (allowed: wanted 400 VALIDATION)`);
          continue;
        }
        const want = caller === 'guest' ? 401 : 403;
        if (r.status !== want) {
          wrong.push(`${caller} ${name}: ${r.status} ${error?.code} (wanted ${want})`);
          continue;
        }
        const need = neededRoles(name);
        const says =
          caller === 'guest' ? /token/ : need[0] === 'owner' ? /only the studio's owner/ : new RegExp(`^A ${caller} may not call ${name.replace('.', '\\.')}: it needs the .*${need[0]}.* role; ask an admin\\.$`);
        if (!says.test(error?.message ?? '')) wrong.push(`${caller} ${name}: message "${error?.message}"`);
      }
    }
    expect(wrong).toEqual([]);
    expect(calls).toBe(callNames.length * CALLERS.length);

    // Valid input, so the difference is only the role: the producer lists the studio's one project list;
    // the reviewer's shortlist.set is refused before anything runs (the take does not even exist).
    const listed = await post('projects.list', {}, tokens.get('producer'));
    expect(listed.status).toBe(200);
    const refused = await post('shortlist.set', { takeIds: ['tk_nope'], override: null }, tokens.get('reviewer'));
    expect(refused.status).toBe(403);
    expect(refused.json()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { needs: ['producer'] } } });
  });
});
