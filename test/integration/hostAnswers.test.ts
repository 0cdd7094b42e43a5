import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../electron/host/server';
import { rendererDir } from '../../electron/host/paths';
import { testCore } from '../support/core';
import { rawRequest } from '../support/http';

// Issue 14 item 3: the host (and the review server, the same server with --lan) answers every bad
// request in the contract's error envelope — an oversized body gets 413 with the limit instead of a
// reset socket, a malformed %-encoded path 400 instead of 500 — and two hosts' session cookies coexist.

let a: RunningHost;
let b: RunningHost;
let cleanup: () => Promise<void>;
const LIMIT = 64 * 1024;

beforeAll(async () => {
  const t = testCore();
  cleanup = t.cleanup;
  a = await startHost({ core: t.core, rendererDir, maxBodyBytes: LIMIT });
  b = await startHost({ core: t.core, rendererDir });
});
afterAll(async () => {
  await a.close();
  await b.close();
  await cleanup();
});

const auth = (h: RunningHost) => ({ authorization: `Bearer ${h.ownerToken}` });
const envelope = (body: string) => JSON.parse(body) as { ok: boolean; error: { code: string; message: string; details?: Record<string, unknown> } };

describe('the host answers, never resets', () => {
  it('answers a body over the limit with 413 naming the limit, whether or not it announced its length', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(LIMIT * 3) });
    const announced = await rawRequest(`${a.url}rpc/projects.create`, { method: 'POST', headers: { ...auth(a), 'content-type': 'application/json' }, body: big });
    expect(announced.status).toBe(413);
    expect(envelope(announced.body)).toMatchObject({ ok: false, error: { code: 'TOO_LARGE', details: { field: '(body)', limitBytes: LIMIT } } });
    expect(envelope(announced.body).error.message).toContain(String(LIMIT));
    // Chunked (no Content-Length): the server only learns the size while reading.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${a.url}rpc/projects.create`, { method: 'POST', headers: { ...auth(a), 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      for (let i = 0; i < 8; i++) req.write('y'.repeat(LIMIT / 2));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(envelope(chunked.body).error.code).toBe('TOO_LARGE');
    expect((await rawRequest(`${a.url}rpc/projects.list`, { method: 'POST', headers: auth(a), body: '{}' })).status).toBe(200);
  });

  it('answers a malformed %-encoded path with 400 on every route, in the envelope', async () => {
    for (const path of ['rpc/projects.%E0%A4%A', 'rpc/%', 'media/%ZZ', '%C0%AF', 'assets/%E0%A4%A.js']) {
      const r = await rawRequest(`${a.url}${path}`, { method: path.startsWith('rpc/') ? 'POST' : 'GET', headers: auth(a), ...(path.startsWith('rpc/') ? { body: '{}' } : {}) });
      expect(r.status, path).toBe(400);
      expect(envelope(r.body), path).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: '(path)' } } });
    }
  });

  it('sends every error as the envelope: wrong method, unknown route, refused upgrade', async () => {
    const wrongMethod = await rawRequest(`${a.url}rpc/projects.list`, { method: 'GET', headers: auth(a) });
    const noRoute = await rawRequest(`${a.url}nowhere`, { method: 'DELETE', headers: auth(a) });
    const upgrade = await rawRequest(`${a.url}events`, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
    for (const r of [wrongMethod, noRoute, upgrade]) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(envelope(r.body)).toMatchObject({ ok: false, error: { code: expect.any(String), message: expect.any(String) } });
    }
  });
});

describe('session cookies', () => {
  it('two hosts on different ports each keep their own cookie in one browser jar', async () => {
    // A browser keeps cookies by name and host, not port: model that jar.
    const jar = new Map<string, string>();
    for (const h of [a, b]) {
      const s = await rawRequest(`${h.url}session`, { method: 'POST', headers: auth(h) });
      const [pair] = String(s.headers['set-cookie']).split(';');
      const [name, value] = pair!.split('=');
      jar.set(name!, value!);
    }
    expect(jar.size).toBe(2);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    for (const h of [a, b]) {
      const r = await rawRequest(`${h.url}media/art_nope`, { headers: { cookie } });
      expect(r.status, h.url).toBe(404); // authorized by its own cookie; the id names nothing
    }
  });
});
