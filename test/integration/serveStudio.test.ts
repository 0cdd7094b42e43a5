import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { startStudio, type RunningStudio } from '../../electron/host/commands/studioServer';
import { silentLogger } from '../../electron/core/nodePorts';
import { rendererDir } from '../../electron/host/paths';
import { startHost, type RunningHost } from '../../electron/host/server';
import { studioRelay } from '../../electron/host/studioRelay';
import { StudioTransport } from '../../electron/host/studioTransport';
import { createApi, ApiError } from '../../renderer/api/client';
import { httpTransport } from '../../renderer/api/httpTransport';
import { createAppStore } from '../../renderer/store';
import { needsOn } from '../support/coreOn';
import { createDatabase } from '../support/pgCluster';
import { rawRequest } from '../support/http';
import { callAs } from '../support/members';
import { describeWith, ffmpegNeed } from '../support/needs';
import { tempDir } from '../support/tmp';

// `circletake serve --studio URL --token T` (issue 18 item 5): the browser host on this machine, relaying
// every call, the events and media to a studio (here the studio server in this process, on PostgreSQL) as the
// member the token names; and the page's Idempotency-Key carried through it, so a Generate repeated after a
// lost answer is answered from the studio's record, never queued twice.

const OWNER = { role: 'owner', door: 'cli' } as const;
let studio: RunningStudio;
let dir: { dir: string; cleanup(): void };
let db: { url: string; drop(): Promise<void> };
const stops: (() => Promise<void>)[] = [];

async function invite(role: 'filmmaker' | 'reviewer', name: string): Promise<{ token: string; tokenId: string }> {
  const { secret } = await callAs<{ secret: string }>(studio.core, 'studio.invite', { role, name }, OWNER);
  return callAs(studio.core, 'studio.acceptInvite', { secret }, { role: 'guest', door: 'host' });
}

const rpc = (base: string, name: string, body: unknown, token: string) =>
  rawRequest(`${base}rpc/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

async function relayTo(url: string, token: string): Promise<RunningHost> {
  const transport = StudioTransport.start({ url, token, backoffMs: 20, attempts: 2, reconnectMs: 50 });
  const host = await startHost({ core: studioRelay(transport, silentLogger), rendererDir });
  stops.push(async () => {
    await host.close();
    await transport.dispose();
  });
  return host;
}

const count = async (sql: string, params: unknown[]) => Number((await studio.core.engine.get<{ n: number | string }>(sql, params as never))!.n);

describeWith([...needsOn('postgres'), ffmpegNeed], 'serve --studio: the browser host relayed to a studio', () => {
  beforeAll(async () => {
    dir = tempDir('ct-serve-studio-');
    // One studio for the file (studioDatabase() drops its database after each test).
    db = await createDatabase(inject('pgAdminUrl')!, 'ct_core', inject('pgTemplate'));
    studio = await startStudio({ databaseUrl: db.url, dataDir: join(dir.dir, 'studio') });
  });
  afterAll(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await studio?.close();
    await db?.drop();
    dir?.cleanup();
  });

  it('relays calls, events, media and refusals as the member, and creates nothing on this machine', async () => {
    const fay = await invite('filmmaker', 'Fay');
    const home = join(dir.dir, 'home');
    const dataDir = join(dir.dir, 'no-data-here');
    const child: ChildProcess = spawn(process.execPath, ['bin/circletake.js', 'serve', '--studio', studio.host.url, '--json'], {
      env: { ...process.env, CIRCLETAKE_STUDIO_TOKEN: fay.token, CIRCLETAKE_DATA_DIR: dataDir, HOME: home, XDG_CONFIG_HOME: join(home, '.config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stops.push(async () => void child.kill('SIGKILL'));
    const ready = await new Promise<{ url: string; token: string; role: string; studio: string }>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (l) => resolve(JSON.parse(l) as never));
      child.once('exit', (code) => reject(new Error(`serve --studio exited (${code})`)));
    });
    expect(ready).toMatchObject({ role: 'filmmaker', studio: new URL(studio.host.url).origin });
    const base = ready.url;

    // Who the page is: the studio's member, not this machine's owner.
    const session = await rawRequest(`${base}session`, { method: 'POST', headers: { authorization: `Bearer ${ready.token}` } });
    expect(session.json()).toEqual({ ok: true, value: { role: 'filmmaker' } });
    expect((await rpc(base, 'system.connection', {}, ready.token)).json()).toMatchObject({ ok: true, value: { mode: 'studio', studio: new URL(studio.host.url).origin, member: { name: 'Fay', role: 'filmmaker' } } });

    // A call lands on the studio: the member's shot, made through the relay.
    const { id: projectId } = await callAs<{ id: string }>(studio.core, 'projects.create', { name: 'Relayed' }, OWNER);
    const made = await rpc(base, 'shots.create', { projectId, name: 'Made through the relay' }, ready.token);
    expect(made.status, made.body).toBe(200);
    const onStudio = await callAs<{ name: string }[]>(studio.core, 'shots.list', { projectId }, OWNER);
    expect(onStudio.map((p) => p.name)).toContain('Made through the relay');

    // Events: a change made on the studio by someone else reaches the relay's socket.
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}events`, { headers: { authorization: `Bearer ${ready.token}`, origin: base.replace(/\/$/, '') } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_q, res) => reject(new Error(`events socket refused: ${res.statusCode}`)));
    });
    const heard = new Promise<string>((resolve) => ws.on('message', (m: Buffer) => (m.toString().includes('Made on the studio') ? resolve(m.toString()) : undefined)));
    await callAs(studio.core, 'projects.create', { name: 'Made on the studio' }, OWNER);
    expect(JSON.parse(await heard)).toMatchObject({ event: 'projects.changed' });
    ws.close();

    // Media by id: the studio answers (here: no such clip), not this machine.
    const media = await rawRequest(`${base}media/art_0000000000missing`, { headers: { authorization: `Bearer ${ready.token}` } });
    expect(media.status).toBe(404);
    expect(media.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // The studio's refusals pass through as they are: a role's 403, a revoked token's 401 with its reason.
    const forbidden = await rpc(base, 'studio.members', {}, ready.token);
    expect(forbidden.status).toBe(403);
    expect(forbidden.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringContaining('admin') } });
    await callAs(studio.core, 'studio.revokeToken', { id: fay.tokenId }, OWNER);
    const revoked = await rpc(base, 'projects.list', {}, ready.token);
    expect(revoked.status).toBe(401);
    expect(revoked.json()).toMatchObject({ error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/revoked/) } });
    // A page opened now is told why, rather than shown as someone.
    const refused = await rawRequest(`${base}session`, { method: 'POST', headers: { authorization: `Bearer ${ready.token}` } });
    expect([refused.status, refused.json()]).toMatchObject([401, { ok: false, error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/revoked/) } }]);

    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // No local core: no data dir, no database file, nothing under the (empty) home.
    expect(existsSync(dataDir)).toBe(false);
    expect(existsSync(home) ? readdirSync(home, { recursive: true }) : []).toEqual([]);
  });

  it('says the studio cannot be reached, naming it, when it is not there', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
    await new Promise<void>((r) => closed.close(() => r()));
    const relay = await relayTo(gone, 'ctm_' + '0'.repeat(64));
    const session = await rawRequest(`${relay.url}session`, { method: 'POST', headers: { authorization: `Bearer ${relay.ownerToken}` } });
    expect(session.status).toBe(503);
    expect(session.headers['set-cookie']?.[0]).toMatch(/HttpOnly/); // the events socket still opens, to hear when it is back
    const r = await rpc(relay.url, 'projects.list', {}, relay.ownerToken);
    expect(r.status).toBe(503);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'STUDIO_UNREACHABLE', message: expect.stringContaining(`The studio at ${new URL(gone).origin} cannot be reached`) } });
  });

  it('a Generate whose answer was lost, made again, is answered from the studio\'s record: one job, one reservation', async () => {
    await studio.core.queue.start(); // a worker, so a repeat without the key would be a second (cached) job
    const fay = await invite('filmmaker', 'Fay again');
    const relay = await relayTo(studio.host.url, fay.token);
    // A proxy in front of the relay, as a network that drops answers: the request reaches the studio, its answer never comes back.
    let dropping = true;
    const proxy: Server = createServer((req, res) => {
      const up = request({ host: '127.0.0.1', port: relay.port, path: req.url, method: req.method, headers: { ...req.headers, host: `127.0.0.1:${relay.port}` } }, (upRes) => {
        if (dropping) {
          upRes.resume();
          upRes.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    stops.push(() => new Promise<void>((r) => proxy.close(() => r())));
    const page = createAppStore({}, createApi(httpTransport(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`, relay.ownerToken)));
    const { id: projectId } = await callAs<{ id: string }>(studio.core, 'projects.create', { name: 'Lost answers' }, OWNER);
    const draft = { projectId, shotName: 'Shot 1', params: { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a kite over a wet beach' } } as const;

    const lost = await page.getState().submitJob(draft).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(ApiError);
    expect((lost as ApiError).details).toMatchObject({ unanswered: true });
    // It did land: the job runs to its takes meanwhile.
    const jobsOf = () => callAs<{ id: string; status: string }[]>(studio.core, 'jobs.list', { projectId }, OWNER);
    for (let i = 0; i < 300 && (await jobsOf()).every((j) => j.status !== 'succeeded'); i++) await new Promise((r) => setTimeout(r, 100));
    const [landed] = await jobsOf();
    expect(landed?.status).toBe('succeeded');

    dropping = false;
    const again = await page.getState().submitJob(draft);
    expect(again.jobId).toBe(landed!.id);
    expect(await count('SELECT count(*) AS n FROM jobs WHERE project_id = ?', [projectId])).toBe(1);
    expect(await count("SELECT count(*) AS n FROM ledger_ops WHERE kind = 'reserve' AND job_id = ?", [landed!.id])).toBe(1);

    // Control: the same draft made again after its answer came is a new request (here a cache hit: a second job, nothing reserved).
    const deliberate = await page.getState().submitJob(draft);
    expect(deliberate.jobId).not.toBe(landed!.id);
    expect(deliberate.cacheHit).toBe(true);
    expect(await count('SELECT count(*) AS n FROM jobs WHERE project_id = ?', [projectId])).toBe(2);
  });
});
