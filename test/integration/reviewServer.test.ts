import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { callNames, mayCall, type Role } from '../../shared/contract';
import type { LocalCore as Core } from '../../electron/core/createCore';
import { rendererDir } from '../../electron/host/paths';
import { lanInterfaces } from '../../electron/host/reviewAccess';
import { startHost, type RunningHost } from '../../electron/host/server';
import { seedJob, seedTake } from '../support/boardSeed';
import { testCore } from '../support/core';
import { rawRequest } from '../support/http';
import { tempDir } from '../support/tmp';
import { itWith, need } from '../support/needs';

// The review server (docs/reliability.md R1–R6): per-role tables proven by calling every contract entry,
// names bound to tokens, preview-only media for reviewers, events by role, limits and revocation.

/** What a reviewer token may call: see projects, shots and takes (and their media), tag and comment. */
const REVIEWER = [
  'projects.list',
  'shots.list',
  'takes.list',
  'takes.get',
  'board.view',
  'shortlist.rule',
  'comments.list',
  'media.get',
  'media.list',
  'media.lastCheck',
  'media.thumbnails',
  'tags.add',
  'tags.remove',
  'stars.set',
  'comments.add',
  'comments.delete',
  'board.undo',
];
/** What a producer token adds: the shortlist, finalize, export, and reading money, dashboards and the queue. */
const PRODUCER_ADDS = [
  'shortlist.auto',
  'shortlist.set',
  'finalize.plan',
  'finalize.run',
  'jobs.list',
  'jobs.get',
  'queue.status',
  'plans.list',
  'plans.active',
  'credits.estimate',
  'credits.quote',
  'credits.balances',
  'credits.provider',
  'credits.history',
  'credits.reservations',
  'credits.audit',
  'insight.report',
  'spend.usage',
  'insight.forecast',
  'insight.recommendations',
  'insight.calibration',
  'insight.settings',
  'insight.thresholds',
  'benchmark.list',
];
const isExport = (name: string) => /(^|\.)export/i.test(name);
type LinkRole = 'reviewer' | 'producer' | 'owner';
const expectedRole = (name: string): LinkRole => (REVIEWER.includes(name) ? 'reviewer' : PRODUCER_ADDS.includes(name) || isExport(name) ? 'producer' : 'owner');
const RANK: Record<LinkRole, number> = { reviewer: 1, producer: 2, owner: 3 };
/**
 * Accepting a studio invite needs no session at all (the secret is the proof), so any session may too; and
 * any session may ask where it works (system.connection: the top bar's Local / Studio badge).
 */
const ANYONE = ['studio.acceptInvite', 'system.connection'];
const linkMay = (role: LinkRole, name: string) => ANYONE.includes(name) || RANK[role] >= RANK[expectedRole(name)];

let host: RunningHost;
let core: Core;
let cleanup: () => Promise<void>;
const tokens = {} as Record<Role, string>;
const src = tempDir('ct-review-');
let projectId: string;
let previewId: string;
let releaseId: string;
const takeId = 'tk_rev0000001';

beforeAll(async () => {
  const t = testCore();
  core = t.core;
  cleanup = t.cleanup;
  host = await startHost({ core, rendererDir });
  tokens.owner = host.ownerToken;
  tokens.reviewer = host.tokens.issue('reviewer', 'Rita');
  tokens.producer = host.tokens.issue('producer', 'Paul');
  projectId = (await core.projects.create('Review')).id;
  const shotId = (await core.shots.create(projectId, 'Shot 1')).id;
  seedJob(core.db.conn, { id: 'job_rev0000001', projectId, shotId });
  seedTake(core.db.conn, { id: takeId, jobId: 'job_rev0000001', projectId, shotId });
  const f = join(src.dir, 'clip.mp4');
  writeFileSync(f, Buffer.alloc(512, 1));
  previewId = (await core.media.putPreview({ projectId, jobId: 'job_rev0000001', n: 0, fromFile: f })).id;
  writeFileSync(f, Buffer.alloc(512, 2));
  releaseId = (await core.media.putRelease({ projectId, jobId: 'job_rev0000002', n: 0, fromFile: f })).id;
});
afterAll(async () => {
  await host.close();
  await cleanup();
  src.cleanup();
});

const rpc = (name: string, input: unknown, role: Role, base = host.url) =>
  rawRequest(`${base}rpc/${name}`, { method: 'POST', headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });

describe('the role of every contract entry', () => {
  it('matches the review table: reviewers see and tag, producers add finalize, export and money reads, the rest is the owner’s', async () => {
    // The access table (shared/contract/access.ts) keeps review links exactly as they were before member roles.
    const wrong = callNames.flatMap((n) => (['reviewer', 'producer', 'owner'] as const).filter((r) => mayCall(r, n) !== linkMay(r, n)).map((r) => `${r} ${n}: table says ${mayCall(r, n)}`));
    expect(wrong).toEqual([]);
    // No reviewer entry spends, touches the ledger, the queue, release media or export.
    expect(REVIEWER.filter((n) => /^(jobs|credits|plans|finalize|queue|retention)\.|submit|export|release/.test(n))).toEqual([]);
  });

  it('is enforced for every entry with each role’s token over HTTP', async () => {
    const seen: string[] = [];
    for (const name of callNames) {
      for (const role of ['reviewer', 'producer', 'owner'] as const) {
        // A payload no schema accepts: an allowed role gets VALIDATION (after the role check), so nothing runs.
        const r = await rpc(name, 'probe', role);
        const body = r.json() as { ok: boolean; error?: { code: string } };
        const isForbidden = r.status === 403 && body.error?.code === 'FORBIDDEN';
        const isAllowed = r.status === 400 && body.error?.code === 'VALIDATION';
        const shouldBe = linkMay(role, name);
        if (shouldBe ? !isAllowed : !isForbidden) seen.push(`${role} ${name}: ${r.status} ${body.error?.code ?? 'ok'}`);
      }
    }
    expect(seen).toEqual([]);
  });
});

describe('names bound to tokens', () => {
  it('records a reviewer’s tags and comments under the token’s name, whatever the request claims', async () => {
    const tag = (await rpc('tags.add', { takeIds: [takeId], tag: 'promising', author: 'Owner' }, 'reviewer')).json() as { value: { marks: { tags: { author: string }[] }[] } };
    expect(tag.value.marks[0]!.tags.map((t) => t.author)).toEqual(['Rita']);
    const c = (await rpc('comments.add', { takeId, body: 'love the light', author: 'Paul' }, 'reviewer')).json() as { value: { id: string; author: string } };
    expect(c.value.author).toBe('Rita');
  });

  it('lets a reviewer remove only their own comments, and undo only their own actions', async () => {
    const mine = (await rpc('comments.add', { takeId, body: 'mine' }, 'reviewer')).json() as { value: { id: string } };
    const owners = (await rpc('comments.add', { takeId, body: 'the owner’s', author: 'Olga' }, 'owner')).json() as { value: { id: string } };
    const refused = await rpc('comments.delete', { id: owners.value.id }, 'reviewer');
    expect(refused.status).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringContaining('Olga') } });
    expect((await rpc('comments.delete', { id: mine.value.id }, 'reviewer')).status).toBe(200);
    const left = (await rpc('comments.list', { takeId }, 'owner')).json() as { value: { body: string }[] };
    expect(left.value.map((x) => x.body)).toContain('the owner’s');

    // The owner forces the take into the shortlist; the reviewer's undo, claiming the owner's name, undoes only Rita's tag.
    await rpc('shortlist.set', { takeIds: [takeId], override: 'in', author: 'Olga' }, 'owner');
    const undo = (await rpc('board.undo', { projectId, author: 'Olga' }, 'reviewer')).json() as { ok: boolean; value: { undone: string | null } };
    expect(undo).toMatchObject({ ok: true, value: { undone: expect.stringMatching(/promising/) } });
    const view = (await rpc('board.view', { projectId }, 'owner')).json() as { value: { shots: { takes: { id: string; override: string | null; tags: { author: string }[] }[] }[] } };
    const card = view.value.shots.flatMap((s) => s.takes).find((x) => x.id === takeId)!;
    expect(card.override).toBe('in');
    expect(card.tags.map((t) => t.author)).not.toContain('Rita');
  });
});

describe('export for a producer token', () => {
  it('lands in the app’s exports folder by name; a path on the owner’s machine is refused', async () => {
    const outside = join(src.dir, 'somewhere');
    const byPath = await rpc('export.run', { projectId, toDir: outside }, 'producer');
    expect(byPath.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'toDir' } } });
    for (const toDir of ['../x', 'a/b', 'a\\b', '..', '.hidden', 'C:\\x']) {
      expect((await rpc('export.run', { projectId, toDir }, 'producer')).json(), toDir).toMatchObject({ error: { details: { field: 'toDir' } } });
    }
    // A plain name passes the scope and reaches export itself (which says this project has no finals yet).
    const named = (await rpc('export.run', { projectId, toDir: 'Review cut' }, 'producer')).json() as { ok: boolean; error: { message: string } };
    expect(named.ok).toBe(false);
    expect(named.error.message).toMatch(/finals/i);
  });
});

describe('media for each role', () => {
  const media = (id: string, role: Role) => rawRequest(`${host.url}media/${id}`, { headers: { authorization: `Bearer ${tokens[role]}` } });

  it('streams previews to reviewers and refuses them release media (404); producers and the owner get both', async () => {
    expect((await media(previewId, 'reviewer')).status).toBe(200);
    expect((await media(releaseId, 'reviewer')).status).toBe(404);
    expect((await media(`${releaseId}.poster`, 'reviewer')).status).toBe(404);
    expect((await media(releaseId, 'producer')).status).toBe(200);
    expect((await media(releaseId, 'owner')).status).toBe(200);
  });
});

describe('state changes need POST', () => {
  it('answers GET, HEAD, PUT and DELETE on every call with an error, changing nothing', async () => {
    const before = (await core.projects.list()).length;
    const paused = await core.queue.isPaused();
    for (const name of callNames) {
      for (const method of ['GET', 'HEAD', 'PUT', 'DELETE']) {
        const r = await rawRequest(`${host.url}rpc/${name}?name=x&projectId=${projectId}`, { method, headers: { authorization: `Bearer ${tokens.owner}` } });
        expect(r.status, `${method} ${name}`).toBeGreaterThanOrEqual(400);
      }
    }
    expect((await core.projects.list()).length).toBe(before);
    expect(await core.queue.isPaused()).toBe(paused);
  });

  it('refuses a body over the size limit with 413 naming the limit (an answer, not a reset), and keeps serving', async () => {
    const r = await rawRequest(`${host.url}rpc/projects.create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(r.status).toBe(413);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'TOO_LARGE', details: { limitBytes: 1024 * 1024 } } });
    expect((await rpc('projects.list', {}, 'reviewer')).status).toBe(200);
  });
});

describe('events by role', () => {
  const origin = () => host.url.replace(/\/$/, '');
  const open = (role: Role) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${host.url.replace('http', 'ws')}events`, { headers: { authorization: `Bearer ${tokens[role]}`, origin: origin() } });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });

  it('tells reviewers about the board, never about money or the queue', async () => {
    const [rev, prod] = await Promise.all([open('reviewer'), open('producer')]);
    const heard = { reviewer: [] as string[], producer: [] as string[] };
    rev.on('message', (m) => heard.reviewer.push((JSON.parse(String(m)) as { event: string }).event));
    prod.on('message', (m) => heard.producer.push((JSON.parse(String(m)) as { event: string }).event));
    await core.queue.setPaused(true);
    await core.queue.setPaused(false);
    await rpc('projects.create', { name: 'Evented' }, 'owner');
    await new Promise((r) => setTimeout(r, 200));
    expect(heard.reviewer).toEqual(['projects.changed']);
    expect(heard.producer).toEqual(['queue.changed', 'queue.changed', 'projects.changed']);
    rev.close();
    prod.close();
  });

  it('sends a reviewer no money — neither in answers nor in events — while a producer gets the credits', async () => {
    // A release re-render of the take held as UNKNOWN: its job (with estimated/reserved credits) rides in board.view's activeJobs.
    seedJob(core.db.conn, { id: 'job_revmoney001', projectId, shotId: (await core.takes.get(takeId)).shotId, artifactClass: 'release', status: 'unknown', sourceTakeId: takeId, estimatedCredits: 120 });
    const moneyKeys = (v: unknown, at = ''): string[] =>
      Array.isArray(v)
        ? v.flatMap((x, i) => moneyKeys(x, `${at}[${i}]`))
        : v && typeof v === 'object'
          ? Object.entries(v).flatMap(([k, x]) => [...(/credit/i.test(k) ? [`${at}.${k}`] : []), ...moneyKeys(x, `${at}.${k}`)])
          : [];
    const reads: [string, unknown][] = [
      ['board.view', { projectId }],
      ['takes.list', { projectId }],
      ['takes.get', { id: takeId }],
      ['tags.add', { takeIds: [takeId], tag: 'promising' }],
    ];
    for (const [name, input] of reads) {
      const asReviewer = await rpc(name, input, 'reviewer');
      expect(asReviewer.status, name).toBe(200);
      expect(moneyKeys(JSON.parse(asReviewer.body)), name).toEqual([]);
    }
    const asProducer = JSON.parse((await rpc('board.view', { projectId }, 'producer')).body) as { value: { shots: { takes: { credits: number }[] }[]; activeJobs: { estimatedCredits: number }[] } };
    expect(asProducer.value.shots.flatMap((s) => s.takes.map((t) => t.credits))).toContain(25);
    expect(asProducer.value.activeJobs.map((j) => j.estimatedCredits)).toContain(120);

    const [rev, prod] = await Promise.all([open('reviewer'), open('producer')]);
    const heard = { reviewer: [] as { event: string; payload: unknown }[], producer: [] as { event: string; payload: unknown }[] };
    rev.on('message', (m) => heard.reviewer.push(JSON.parse(String(m)) as { event: string; payload: unknown }));
    prod.on('message', (m) => heard.producer.push(JSON.parse(String(m)) as { event: string; payload: unknown }));
    core.events.emit('takes.changed', { take: (await core.takes.get(takeId)) });
    core.events.emit('jobs.changed', { job: await core.queue.get('job_revmoney001') });
    await rpc('tags.add', { takeIds: [takeId], tag: 'needs-fix' }, 'owner');
    await new Promise((r) => setTimeout(r, 200));
    expect(heard.reviewer.map((m) => m.event)).toEqual(['takes.changed', 'board.changed']);
    expect(moneyKeys(heard.reviewer)).toEqual([]);
    expect(heard.producer.map((m) => m.event)).toEqual(['takes.changed', 'jobs.changed', 'board.changed']);
    expect(moneyKeys(heard.producer)).toEqual(expect.arrayContaining(['[0].payload.take.credits', '[1].payload.job.estimatedCredits']));
    rev.close();
    prod.close();
  });

  it('closes a revoked token’s socket (1008), and its calls get 401', async () => {
    const token = host.tokens.issue('reviewer', 'Temp');
    const ws = new WebSocket(`${host.url.replace('http', 'ws')}events`, { headers: { authorization: `Bearer ${token}`, origin: origin() } });
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    host.tokens.revoke(token);
    expect(await closed).toBe(1008);
    const r = await rawRequest(`${host.url}rpc/projects.list`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' });
    expect(r.status).toBe(401);
  });
});

describe('limits (R6)', () => {
  let small: RunningHost;
  beforeAll(async () => {
    small = await startHost({ core, rendererDir, maxConnections: 2, rateLimit: { burst: 5, perSecond: 1 }, wsRateLimit: { burst: 3, perSecond: 1 } });
  });
  afterAll(() => small.close());
  const wsOpen = () =>
    new Promise<{ ws?: WebSocket; status?: number }>((resolve) => {
      const ws = new WebSocket(`${small.url.replace('http', 'ws')}events`, { headers: { authorization: `Bearer ${small.ownerToken}`, origin: small.url.replace(/\/$/, '') } });
      ws.once('open', () => resolve({ ws }));
      ws.once('unexpected-response', (_q, res) => resolve({ status: res.statusCode }));
    });

  it('closes a socket that floods (1008) or sends too much at once (1009); the host keeps answering', async () => {
    const a = (await wsOpen()).ws!;
    const flooded = new Promise<number>((r) => a.once('close', (code) => r(code)));
    for (let i = 0; i < 20; i++) a.send('jobs.submit');
    expect(await flooded).toBe(1008);
    const b = (await wsOpen()).ws!;
    const big = new Promise<number>((r) => b.once('close', (code) => r(code)));
    b.send('x'.repeat(64 * 1024));
    expect(await big).toBe(1009);
    const ok = await rawRequest(`${small.url}rpc/projects.list`, { method: 'POST', headers: { authorization: `Bearer ${small.ownerToken}` }, body: '{}' });
    expect(ok.status).toBe(200);
  });

  it('caps WebSocket connections (503 past the cap)', async () => {
    const a = await wsOpen();
    const b = await wsOpen();
    expect((await wsOpen()).status).toBe(503);
    a.ws?.close();
    b.ws?.close();
  });

  it('rate-limits requests per connection with 429, leaving other connections alone', async () => {
    const u = new URL(small.url);
    const statuses = await new Promise<number[]>((resolve, reject) => {
      // Eight pipelined requests on one keep-alive connection.
      const sock = tcpConnect(Number(u.port), u.hostname);
      let text = '';
      sock.on('data', (d) => {
        text += d.toString('latin1');
        const codes = [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
        if (codes.length === 8) {
          sock.destroy();
          resolve(codes);
        }
      });
      sock.on('error', reject);
      const req = `POST /rpc/projects.list HTTP/1.1\r\nHost: ${u.host}\r\nAuthorization: Bearer ${small.ownerToken}\r\nContent-Length: 2\r\n\r\n{}`;
      sock.write(req.repeat(8));
    });
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const fresh = await rawRequest(`${small.url}rpc/projects.list`, { method: 'POST', headers: { authorization: `Bearer ${small.ownerToken}`, connection: 'close' }, body: '{}' });
    expect(fresh.status).toBe(200);
  });
});

describe('loopback by default, LAN only when asked (R1)', () => {
  const other = lanInterfaces()[0];
  const tryConnect = (hostname: string, port: number) =>
    new Promise<string>((resolve) => {
      const s = tcpConnect(port, hostname);
      s.once('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });

  itWith(need('a non-loopback network interface', !!other, { mayLackInCI: 'some machines have loopback only' }), 'without --lan, nothing answers on another interface', async () => {
    expect(await tryConnect(other!.address, host.port)).toBe('ECONNREFUSED');
  });

  itWith(need('a non-loopback network interface', !!other, { mayLackInCI: 'some machines have loopback only' }), 'with --lan, a peer on the subnet gets in with a reviewer token, never with the owner’s', async () => {
    const lan = await startHost({ core, rendererDir, lan: true });
    try {
      expect(lan.lanUrls).toContain(`http://${other!.address}:${lan.port}/`);
      const reviewer = lan.tokens.issue('reviewer', 'Lena');
      const base = lan.lanUrls[0]!;
      const call = (token: string) => rawRequest(`${base}rpc/projects.list`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' });
      expect((await call(reviewer)).status).toBe(200);
      expect((await call(lan.ownerToken)).status).toBe(401);
      const foreign = await rawRequest(`${base}rpc/projects.list`, { method: 'POST', headers: { authorization: `Bearer ${reviewer}`, host: 'evil.example' }, body: '{}' });
      expect(foreign.status).toBe(403);
    } finally {
      await lan.close();
    }
  });
});

describe('circletake review', () => {
  const cli = (...args: string[]) => spawn(process.execPath, ['bin/circletake.js', 'review', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });

  it('prints a reviewer link with a 256-bit token on loopback; the link tags but cannot spend', { timeout: 60_000 }, async () => {
    const child = cli('--json', '--name', 'Rita', '--data-dir', src.dir);
    try {
      const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
      const info = JSON.parse(line) as { link: string; url: string; token: string; role: string; name: string; isLan: boolean; lanLinks: string[] };
      expect(info).toMatchObject({ role: 'reviewer', name: 'Rita', isLan: false, lanLinks: [] });
      expect(info.link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}$/);
      const call = (name: string, body: unknown) =>
        rawRequest(`${info.url}rpc/${name}`, { method: 'POST', headers: { authorization: `Bearer ${info.token}` }, body: JSON.stringify(body) });
      expect((await call('projects.list', {})).status).toBe(200);
      expect((await call('jobs.submit', {})).status).toBe(403);
      expect((await call('credits.balances', {})).status).toBe(403);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses an owner role or a bad flag with exit 2', { timeout: 60_000 }, async () => {
    const r = spawnSync(process.execPath, ['bin/circletake.js', 'review', '--role', 'owner', '--data-dir', src.dir], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--role must be reviewer or producer');
  });
});
