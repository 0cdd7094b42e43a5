import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHost, type RunningHost } from '../../electron/host/server';
import { rendererDir } from '../../electron/host/paths';
import { testCore } from '../support/core';
import { rawRequest } from '../support/http';

let host: RunningHost;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const t = testCore();
  cleanup = t.cleanup;
  host = await startHost({ core: t.core, rendererDir });
});
afterAll(async () => {
  await host.close();
  await cleanup();
});

const rpc = (name: string, body: string | undefined, headers: Record<string, string> = {}) =>
  rawRequest(`${host.url}rpc/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body }),
  });
const auth = () => ({ authorization: `Bearer ${host.ownerToken}` });

describe('browser host', () => {
  it('binds loopback only, with a 256-bit token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(host.ownerToken).toMatch(/^[0-9a-f]{64}$/);
    expect(host.openUrl).toBe(`${host.url}#token=${host.ownerToken}`);
  });

  it('serves a call with the token', async () => {
    const r = await rpc('projects.create', JSON.stringify({ name: 'Host spot' }), auth());
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ ok: true, value: { name: 'Host spot' } });
  });

  it('answers a missing token with 401', async () => {
    const r = await rpc('projects.list', '{}');
    expect(r.status).toBe(401);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('answers a wrong token with 401', async () => {
    const r = await rpc('projects.list', '{}', { authorization: `Bearer ${'0'.repeat(64)}` });
    expect(r.status).toBe(401);
  });

  it('answers a foreign Host with 403 (DNS rebinding)', async () => {
    const r = await rpc('projects.list', '{}', { ...auth(), host: 'evil.example' });
    expect(r.status).toBe(403);
    expect(r.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('answers a foreign Origin with 403', async () => {
    const r = await rpc('projects.list', '{}', { ...auth(), origin: 'http://evil.example' });
    expect(r.status).toBe(403);
  });

  it('answers an unknown call with 404 and a code', async () => {
    const r = await rpc('ledger.steal', '{}', auth());
    expect(r.status).toBe(404);
    expect(r.json()).toMatchObject({ error: { code: 'UNKNOWN_METHOD' } });
  });

  it('answers malformed JSON with 400 VALIDATION', async () => {
    const r = await rpc('projects.create', '{"name":', auth());
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error: { code: 'VALIDATION' } });
  });

  it('answers a bad field with 400 VALIDATION naming the field', async () => {
    const r = await rpc('projects.create', JSON.stringify({ name: '' }), auth());
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error: { code: 'VALIDATION', details: { field: 'name' } } });
  });

  it('refuses state changes over GET', async () => {
    const r = await rawRequest(`${host.url}rpc/projects.create`, { headers: auth() });
    expect(r.status).toBe(400);
  });

  it('serves the renderer with a CSP header and no unsafe-inline', async () => {
    const r = await rawRequest(host.url);
    expect(r.status, 'the renderer must be built first (npm run build)').toBe(200);
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe');
  });

  it('refuses path traversal for static files', async () => {
    for (const p of ['/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/..\\..\\package.json']) {
      const r = await rawRequest(host.url.replace(/\/$/, '') + p);
      expect(r.body).not.toContain('"circletake"');
    }
  });

  describe('events WebSocket', () => {
    const wsUrl = () => host.url.replace('http', 'ws') + 'events';
    const origin = () => host.url.replace(/\/$/, '');
    const connect = (headers: Record<string, string>) =>
      new Promise<{ ws?: WebSocket; status?: number }>((resolve) => {
        const ws = new WebSocket(wsUrl(), { headers });
        ws.once('open', () => resolve({ ws }));
        ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
        ws.once('error', () => resolve({ status: -1 }));
      });

    it('refuses an upgrade without an Origin', async () => {
      expect((await connect({ authorization: `Bearer ${host.ownerToken}` })).status).toBe(403);
    });

    it('refuses an upgrade from a foreign Origin', async () => {
      expect((await connect({ authorization: `Bearer ${host.ownerToken}`, origin: 'http://evil.example' })).status).toBe(403);
    });

    it('refuses an upgrade without a token', async () => {
      expect((await connect({ origin: origin() })).status).toBe(401);
    });

    it('delivers core events to a session cookie holder', async () => {
      const session = await rawRequest(`${host.url}session`, { method: 'POST', headers: auth() });
      const cookie = String(session.headers['set-cookie']).split(';')[0]!;
      expect(String(session.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
      const { ws } = await connect({ cookie, origin: origin() });
      expect(ws).toBeDefined();
      const got = new Promise<unknown>((resolve) => ws!.once('message', (m) => resolve(JSON.parse(String(m)))));
      await rpc('projects.create', JSON.stringify({ name: 'Evented' }), auth());
      expect(await got).toMatchObject({ event: 'projects.changed', payload: { kind: 'created', project: { name: 'Evented' } } });
      ws!.close();
    });
  });
});

describe('host port', () => {
  it('names the port when the requested one is in use, and picks another when none is requested', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const t = testCore();
    try {
      await expect(startHost({ core: t.core, rendererDir, port })).rejects.toMatchObject({
        code: 'PORT_IN_USE',
        message: expect.stringContaining(String(port)),
      });
      const other = await startHost({ core: t.core, rendererDir });
      expect(other.port).not.toBe(port);
      await other.close();
    } finally {
      blocker.close();
      await t.cleanup();
    }
  });
});
