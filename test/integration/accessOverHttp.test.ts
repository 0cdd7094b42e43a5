import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
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
    // A connection per call: ~800 calls on one kept-alive socket would run into the host's per-connection budget (429).
    headers: { 'content-type': 'application/json', connection: 'close', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describeWith(needsOn('postgres'), 'the access table through a studio server over HTTP', () => {
  // A studio per test: the studio database is dropped after each test (test/support/coreOn.ts).
  const open = async () => {
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
  };
  afterEach(async () => {
    await studio?.close();
    dir?.cleanup();
  });

  it('lets each member make exactly the calls its role allows, and answers the rest 403 naming the role needed (401 with no token)', async () => {
    await open();
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

  it('hands a member\'s export out by name to whoever may export, and nothing else under or beside the exports folder', async () => {
    await open();
    // What export.run leaves for a member (electron/core/policy/roleScope.ts): <dataDir>/exports/<name>/<files>.
    const cut = join(dir.dir, 'exports', 'Harbour cut');
    mkdirSync(cut, { recursive: true });
    writeFileSync(join(cut, 'manifest.json'), '{"projectName":"Harbour"}');
    writeFileSync(join(dir.dir, 'secret.txt'), 'not an export');
    symlinkSync(join(dir.dir, 'secret.txt'), join(cut, 'leak.json'));
    const get = (path: string, caller?: Caller) =>
      rawRequest(`${studio.host.url}exports/${path}`, caller ? { headers: { authorization: `Bearer ${tokens.get(caller)}` } } : {});

    for (const caller of ['producer', 'admin', 'owner'] as const) {
      const r = await get('Harbour%20cut/manifest.json', caller);
      expect(r.status, caller).toBe(200);
      expect(r.headers['content-disposition']).toBe('attachment; filename="manifest.json"');
      expect(r.json()).toEqual({ projectName: 'Harbour' });
    }
    // A role that may not export is refused naming the role needed; no token is 401.
    for (const caller of ['reviewer', 'filmmaker'] as const) {
      const r = await get('Harbour%20cut/manifest.json', caller);
      expect(r.status, caller).toBe(403);
      expect(r.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: `A ${caller} may not call export.run: it needs the producer role; ask an admin.` } });
    }
    expect((await get('Harbour%20cut/manifest.json')).status).toBe(401);
    // Names only: a way out of the folder, a nested path, a symlink planted inside, a missing file → 404.
    for (const path of ['..%2Fsecret.txt', 'Harbour%20cut/..%2F..%2Fsecret.txt', '..%2F..%2Fsecret.txt/x', 'Harbour%20cut/leak.json', 'Harbour%20cut/nope.mp4', 'Harbour%20cut', 'a/b/c']) {
      const r = await get(path, 'producer');
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('not an export');
    }
  });
});
