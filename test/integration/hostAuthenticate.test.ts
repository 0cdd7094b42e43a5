import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendererDir } from '../../electron/host/paths';
import { startHost, type AuthAnswer, type RunningHost } from '../../electron/host/server';
import { testCore } from '../support/core';
import { rawRequest } from '../support/http';

// The seams the studio server stands on: an `authenticate` hook for member tokens (checked after the
// host's own tokens and review links), and forwarded headers believed only from a named proxy.

const MEMBERS: Record<string, AuthAnswer> = {
  ['m'.repeat(40)]: { role: 'reviewer', label: 'Ana', memberId: 'mem_ana' },
  ['x'.repeat(40)]: { reason: 'this token expired on 2026-11-01; ask an admin for a new invite' },
};

let plain: RunningHost;
let proxied: RunningHost;
let cleanup: () => Promise<void>;
const seen: string[] = [];

beforeAll(async () => {
  const t = testCore();
  cleanup = t.cleanup;
  const authenticate = async (token: string) => {
    seen.push(token);
    return MEMBERS[token] ?? null;
  };
  plain = await startHost({ core: t.core, rendererDir, authenticate });
  proxied = await startHost({ core: t.core, rendererDir, authenticate, trustedProxies: ['127.0.0.1'] });
});
afterAll(async () => {
  await plain.close();
  await proxied.close();
  await cleanup();
});

const rpc = (host: RunningHost, name: string, body: unknown, headers: Record<string, string>) =>
  rawRequest(`${host.url}rpc/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('host authenticate hook', () => {
  it('serves a member token with the role it answers, and records the member as the author', async () => {
    const r = await rpc(plain, 'projects.list', {}, { authorization: `Bearer ${'m'.repeat(40)}` });
    expect(r.status).toBe(200);
    const forbidden = await rpc(plain, 'projects.create', { name: 'Not for reviewers' }, { authorization: `Bearer ${'m'.repeat(40)}` });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringContaining('A reviewer may not call projects.create') } });
  });

  it('answers a refused token with 401 and the reason', async () => {
    const r = await rpc(plain, 'projects.list', {}, { authorization: `Bearer ${'x'.repeat(40)}` });
    expect(r.status).toBe(401);
    expect(r.json()).toMatchObject({ error: { code: 'UNAUTHORIZED', message: expect.stringContaining('expired on 2026-11-01') } });
  });

  it('asks the hook only about tokens that are none of its own', async () => {
    seen.length = 0;
    const r = await rpc(plain, 'projects.list', {}, { authorization: `Bearer ${plain.ownerToken}` });
    expect(r.status).toBe(200);
    expect(seen).toEqual([]);
  });
});

describe('forwarded headers', () => {
  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const r = await rpc(plain, 'projects.list', {}, { authorization: `Bearer ${plain.ownerToken}`, 'x-forwarded-for': '203.0.113.7' });
    expect(r.status).toBe(200);
  });

  it('believes X-Forwarded-For from a trusted proxy: the owner token from a remote client is refused', async () => {
    const remote = await rpc(proxied, 'projects.list', {}, { authorization: `Bearer ${proxied.ownerToken}`, 'x-forwarded-for': '203.0.113.7' });
    expect(remote.status).toBe(401);
    // A client cannot name itself loopback by prepending an address: the nearest untrusted hop counts.
    const forged = await rpc(proxied, 'projects.list', {}, { authorization: `Bearer ${proxied.ownerToken}`, 'x-forwarded-for': '127.0.0.1, 203.0.113.7' });
    expect(forged.status).toBe(401);
    const local = await rpc(proxied, 'projects.list', {}, { authorization: `Bearer ${proxied.ownerToken}` });
    expect(local.status).toBe(200);
  });

  it('takes the scheme from a trusted proxy: a studio origin over https is its own', async () => {
    const headers = { authorization: `Bearer ${'m'.repeat(40)}`, host: 'studio.example', 'x-forwarded-proto': 'https' };
    expect((await rpc(proxied, 'projects.list', {}, { ...headers, origin: 'https://studio.example' })).status).toBe(200);
    expect((await rpc(proxied, 'projects.list', {}, { ...headers, origin: 'http://studio.example' })).status).toBe(403);
    expect((await rpc(proxied, 'projects.list', {}, { ...headers, origin: 'https://evil.example' })).status).toBe(403);
  });
});

describe('session cookie', () => {
  const session = (host: RunningHost, headers: Record<string, string>) => rawRequest(`${host.url}session`, { method: 'POST', headers });

  it('is one name for every studio process behind a proxy, Secure when the member came over https', async () => {
    const r = await session(proxied, { authorization: `Bearer ${'m'.repeat(40)}`, host: 'studio.example', 'x-forwarded-proto': 'https' });
    expect(r.status).toBe(200);
    expect(String(r.headers['set-cookie'])).toMatch(/^ct_studio_session=m{40}; HttpOnly; SameSite=Strict; Path=\/; Secure$/);
  });

  it('stays per port, without Secure, on a loopback host', async () => {
    const r = await session(plain, { authorization: `Bearer ${plain.ownerToken}` });
    expect(String(r.headers['set-cookie'])).toBe(`ct_session_${plain.port}=${plain.ownerToken}; HttpOnly; SameSite=Strict; Path=/`);
  });
});

describe('public address', () => {
  it('makes its links with --public-url and takes that origin as its own', async () => {
    const t = testCore();
    const host = await startHost({ core: t.core, rendererDir, trustedProxies: ['127.0.0.1'], publicUrl: 'https://studio.example/team' });
    try {
      expect(host.publicUrl).toBe('https://studio.example/');
      const shared = await rpc(host, 'review.share', { role: 'reviewer', name: 'Ana' }, { authorization: `Bearer ${host.ownerToken}`, origin: 'https://studio.example' });
      expect(shared.status).toBe(200);
      expect(JSON.stringify(shared.json())).toContain('https://studio.example/#token=');
    } finally {
      await host.close();
      await t.cleanup();
    }
  });
});

describe('closing', () => {
  /** A host whose media lookups take 300 ms, with one such request in flight when it is closed. */
  async function closeDuringARequest(drainMs: number | undefined) {
    const t = testCore();
    let arrived!: () => void;
    const inFlight = new Promise<void>((r) => (arrived = r));
    const slow = async () => {
      arrived();
      await new Promise((r) => setTimeout(r, 300));
      return null;
    };
    const host = await startHost({ core: t.core, rendererDir, resolveMedia: slow });
    const pending = rawRequest(`${host.url}media/art_0123456789abcdef`, { headers: { authorization: `Bearer ${host.ownerToken}` } }).then(
      (r) => r.status,
      (e: NodeJS.ErrnoException) => e.code ?? 'error',
    );
    await inFlight; // the host is inside the request
    await host.close(drainMs === undefined ? undefined : { drainMs });
    const outcome = await pending;
    await t.cleanup();
    return outcome;
  }

  it('with drainMs, answers the calls in flight before it stops; without, cuts them', async () => {
    expect(await closeDuringARequest(5000)).toBe(404);
    expect(await closeDuringARequest(undefined)).toBe('ECONNRESET');
  });
});

describe('bind address', () => {
  it('refuses a non-loopback bind without TLS or a trusted proxy, naming the way out', async () => {
    const t = testCore();
    try {
      await expect(startHost({ core: t.core, rendererDir, host: '0.0.0.0' })).rejects.toThrow(/--cert FILE --key FILE.*--trusted-proxy/);
    } finally {
      await t.cleanup();
    }
  });

  it('names a bad trusted proxy entry', async () => {
    const t = testCore();
    try {
      await expect(startHost({ core: t.core, rendererDir, trustedProxies: ['10.0.0.0/33'] })).rejects.toThrow(/--trusted-proxy "10.0.0.0\/33"/);
    } finally {
      await t.cleanup();
    }
  });
});
