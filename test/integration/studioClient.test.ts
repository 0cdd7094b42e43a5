import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendererDir } from '../../electron/host/paths';
import { startHost, type RunningHost } from '../../electron/host/server';
import { HEARTBEAT_HEADER, HEARTBEAT_TIMING } from '../../electron/host/studio/heartbeat';
import { answerCall } from '../../electron/host/studio/idempotentCall';
import { StudioClient } from '../../electron/host/studioClient';
import { testCore } from '../support/core';

// The CLI's door onto a studio (`circletake call … --studio URL --token T`) and the client under it
// (electron/host/studioClient.ts): real HTTP on loopback, a real host over a real core, and a small
// server that drops connections or answers like a gateway to show what is retried and what is not.

const cli = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['bin/circletake.js', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, CIRCLETAKE_STUDIO_TOKEN: '', ...env } }, (err, stdout, stderr) =>
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

/** A loopback server whose answer to each request is scripted; it records what it was sent. */
async function scripted(answers: ((req: IncomingMessage, res: import('node:http').ServerResponse) => void)[]): Promise<{ url: string; seen: { path: string; key: string | undefined }[]; close(): Promise<void> }> {
  const seen: { path: string; key: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ path: req.url ?? '', key: req.headers['idempotency-key'] as string | undefined });
      const answer = answers[Math.min(seen.length - 1, answers.length - 1)]!;
      answer(req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}

const drop = (req: IncomingMessage) => req.socket.destroy();
const json = (status: number, body: unknown) => (_req: IncomingMessage, res: import('node:http').ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('the studio client: what is retried, with which key', () => {
  it('retries a mutating call whose connection dropped, with the same Idempotency-Key, and returns the answer', async () => {
    const s = await scripted([drop, json(503, { note: 'not ours' }), json(200, { ok: true, value: { id: 'prj_1' } })]);
    try {
      const c = new StudioClient({ url: s.url, token: 't', backoffMs: 5 });
      expect(await c.call('projects.create', { name: 'Harbour' })).toEqual({ ok: true, value: { id: 'prj_1' } });
      expect(s.seen).toHaveLength(3);
      expect(s.seen.map((x) => x.path)).toEqual(Array(3).fill('/rpc/projects.create'));
      expect(s.seen[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Set(s.seen.map((x) => x.key)).size).toBe(1);
    } finally {
      await s.close();
    }
  });

  it('never retries the studio\'s own answer (a refusal comes back as it is), and sends no key with a query', async () => {
    const refusal = { ok: false, error: { code: 'INSUFFICIENT_CREDITS', message: 'Not enough credits in local:grant.' } };
    const s = await scripted([json(402, refusal)]);
    try {
      const c = new StudioClient({ url: s.url, token: 't', backoffMs: 5 });
      expect(await c.call('jobs.submit', {})).toEqual(refusal);
      expect(s.seen).toHaveLength(1);
      await c.call('projects.list', {});
      expect(s.seen[1]!.key).toBeUndefined();
    } finally {
      await s.close();
    }
  });

  it('says STUDIO_UNREACHABLE, naming the address, when nothing ever answers', async () => {
    const s = await scripted([drop]);
    const c = new StudioClient({ url: s.url, token: 't', attempts: 3, backoffMs: 5 });
    const r = await c.call('projects.create', { name: 'x' });
    await s.close();
    expect(s.seen).toHaveLength(3);
    expect(r).toMatchObject({ ok: false, error: { code: 'STUDIO_UNREACHABLE', details: { studio: s.url, attempts: 3 } } });
    expect(r.ok ? '' : r.error.message).toContain(`The studio at ${s.url} cannot be reached`);
  });
});

describe('a studio that takes the request and says nothing', () => {
  it('is asked once, not four times: STUDIO_UNREACHABLE after one wait, a query waiting less than a change', async () => {
    const silent = () => undefined; // accepted, never answered
    const s = await scripted([silent]);
    try {
      const c = new StudioClient({ url: s.url, token: 't', backoffMs: 5, timeoutMs: 900, queryTimeoutMs: 300 });
      const change = await c.call('projects.create', { name: 'x' });
      expect(change).toMatchObject({ ok: false, error: { code: 'STUDIO_UNREACHABLE', details: { studio: s.url, attempts: 1, cause: 'no answer in 900 ms' } } });
      expect(s.seen).toHaveLength(1);
      const query = await c.call('projects.list', {});
      expect(query).toMatchObject({ ok: false, error: { code: 'STUDIO_UNREACHABLE', details: { attempts: 1, cause: 'no answer in 300 ms' } } });
      expect(query.ok ? '' : query.error.message).toBe(`The studio at ${s.url} took projects.list and did not answer (no answer in 300 ms, 1 attempt); it may still be working on it, or be stuck. Try again: a repeat is applied once.`);
      expect(s.seen).toHaveLength(2);
    } finally {
      await s.close();
    }
  });
});

describe('a long call on a studio that keeps the client posted', () => {
  const beat = { firstMs: 100, everyMs: 150 };
  /** The studio's own answering (answerCall), running each call for `ms` before its answer; `isOld` ignores the client's header, as a studio from before heartbeats. */
  const slowStudio = (ms: number, answer: () => Awaited<ReturnType<Parameters<typeof answerCall>[2]>>, isOld = false) =>
    scripted([
      (req, res) =>
        void answerCall(res, { keys: undefined, header: undefined, caller: 'member:ana', name: 'export.run', input: {}, heartbeat: !isOld && req.headers[HEARTBEAT_HEADER] === '1' ? beat : false }, async () => {
          await new Promise((r) => setTimeout(r, ms));
          return answer();
        }),
    ]);

  it('follows a call longer than the wait to its answer while the studio says it is working, and still stops at a silent one', async () => {
    const ok = { ok: true as const, value: { exported: 2 } };
    const s = await slowStudio(1_500, () => ok);
    const old = await slowStudio(1_500, () => ok, true);
    try {
      const c = (url: string) => new StudioClient({ url, token: 't', backoffMs: 5, timeoutMs: 400 });
      // 1.5 s of work against a 0.4 s wait: the spaces keep it going, and the answer is the studio's.
      expect(await c(s.url).call('export.run', {})).toEqual(ok);
      expect(s.seen).toHaveLength(1);
      // The same call on a studio that says nothing while it works: one wait, then STUDIO_UNREACHABLE.
      expect(await c(old.url).call('export.run', {})).toMatchObject({ ok: false, error: { code: 'STUDIO_UNREACHABLE', details: { attempts: 1, cause: 'no answer in 400 ms' } } });
      expect(old.seen).toHaveLength(1);
    } finally {
      await s.close();
      await old.close();
    }
  });

  it("keeps a refusal's code when the 200 went out first, keeps the HTTP status of a quick answer, and bounds the whole call", async () => {
    const refusal = { ok: false as const, error: { code: 'CONFLICT' as const, message: 'Another export is making "Harbour cut".' } };
    const slow = await slowStudio(600, () => refusal);
    const quick = await slowStudio(0, () => refusal);
    const endless = await slowStudio(3_000, () => ({ ok: true, value: null }));
    try {
      expect(await new StudioClient({ url: slow.url, token: 't', timeoutMs: 400 }).call('export.run', {})).toEqual(refusal);
      const res = await fetch(`${quick.url}/rpc/export.run`, { method: 'POST', headers: { [HEARTBEAT_HEADER]: '1' }, body: '{}' });
      expect(res.status).toBe(409);
      expect(res.headers.get(HEARTBEAT_HEADER)).toBeNull();
      expect(await res.json()).toEqual(refusal);
      const bounded = await new StudioClient({ url: endless.url, token: 't', timeoutMs: 400, maxCallMs: 1_000 }).call('export.run', {});
      expect(bounded).toMatchObject({ ok: false, error: { code: 'STUDIO_UNREACHABLE', details: { attempts: 1, cause: 'still working after 1 s' } } });
      expect(endless.seen).toHaveLength(1);
    } finally {
      await slow.close();
      await quick.close();
      await endless.close();
    }
  });
});

describe('circletake call --studio', () => {
  let t: ReturnType<typeof testCore>;
  let host: RunningHost;
  beforeAll(async () => {
    t = testCore();
    host = await startHost({ core: t.core, rendererDir });
  });
  afterAll(async () => {
    await host.close();
    await t.cleanup();
  });

  it('makes the call on the studio, as the token\'s holder, and not on this machine', async () => {
    const made = await cli(['call', 'projects.create', '--input', JSON.stringify({ name: 'Harbour at dusk' }), '--studio', host.url, '--token', host.ownerToken]);
    expect(made.status).toBe(0);
    const id = (JSON.parse(made.stdout) as { value: { id: string } }).value.id;
    expect((await t.core.projects.list()).map((p) => p.id)).toContain(id);
    // The token from the environment works the same, and --batch goes to the studio too.
    const listed = await cli(['call', 'projects.list', '--studio', host.url], { CIRCLETAKE_STUDIO_TOKEN: host.ownerToken });
    expect(JSON.stringify(JSON.parse(listed.stdout))).toContain(id);
  });

  it('keeps a client posted only when it asks (the host passes the header to the answer)', async () => {
    const was = { ...HEARTBEAT_TIMING };
    const dispatch = t.core.dispatch;
    // Every call made long (300 ms on the core), the first beat due after 50 ms.
    HEARTBEAT_TIMING.firstMs = 50;
    t.core.dispatch = async (...a: Parameters<typeof dispatch>) => {
      await new Promise((r) => setTimeout(r, 300));
      return dispatch(...a);
    };
    try {
      const call = (headers: Record<string, string>) =>
        fetch(`${host.url.replace(/\/?(\?.*)?$/, '')}/rpc/projects.create`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${host.ownerToken}`, ...headers }, body: JSON.stringify({ name: `Kept posted ${Object.keys(headers).length}` }) });
      const posted = await call({ [HEARTBEAT_HEADER]: '1' });
      expect(posted.headers.get(HEARTBEAT_HEADER)).toBe('on');
      const text = await posted.text();
      expect(text.startsWith(' ')).toBe(true);
      expect(JSON.parse(text)).toMatchObject({ ok: true, value: { name: 'Kept posted 1' } });
      const plain = await call({});
      expect(plain.headers.get(HEARTBEAT_HEADER)).toBeNull();
      expect(await plain.json()).toMatchObject({ ok: true, value: { name: 'Kept posted 0' } });
    } finally {
      Object.assign(HEARTBEAT_TIMING, was);
      t.core.dispatch = dispatch;
    }
  });

  it('refuses a wrong token (exit 2, UNAUTHORIZED), a missing one and a bad address (exit 2, naming the flag), and a dead studio (exit 1)', async () => {
    const wrong = await cli(['call', 'projects.list', '--studio', host.url, '--token', 'nope']);
    expect([wrong.status, (JSON.parse(wrong.stdout) as { error: { code: string } }).error.code]).toEqual([2, 'UNAUTHORIZED']);
    const missing = await cli(['call', 'projects.list', '--studio', host.url]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--token');
    const bad = await cli(['call', 'projects.list', '--studio', 'ftp://x', '--token', 't']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--studio');
    const s = await scripted([drop]);
    await s.close();
    const dead = await cli(['call', 'projects.list', '--studio', s.url, '--token', 't']);
    expect(dead.status).toBe(1);
    expect(dead.stderr).toContain(`The studio at ${s.url} cannot be reached`);
  });
});
