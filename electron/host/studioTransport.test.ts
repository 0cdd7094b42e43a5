import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreStatus } from '../../shared/contract/system';
import type { SharedLink } from '../../shared/contract/review';
import { rendererDir } from './paths';
import { startHost, type RunningHost } from './server';
import { testCore } from '../../test/support/core';
import { StudioTransport } from './studioTransport';

// Remote mode's transport against a real host over a real core (loopback): calls as the token's holder,
// the events socket, media by id, and what the windows are told when the studio goes away and comes back.

const ctx = { role: 'owner', door: 'electron' } as const;

function until<T>(get: () => T | undefined, ms = 10_000): Promise<T> {
  const began = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      const v = get();
      if (v !== undefined) return resolve(v);
      if (Date.now() - began > ms) return reject(new Error('timed out'));
      setTimeout(tick, 20);
    };
    tick();
  });
}

describe('StudioTransport (remote mode)', () => {
  let t: ReturnType<typeof testCore>;
  let host: RunningHost;
  let token: string;
  beforeAll(async () => {
    t = testCore();
    host = await startHost({ core: t.core, rendererDir });
    // A producer's token stored in the database, so it outlives a restart of the host process.
    const shared = await t.core.dispatch('review.share', { role: 'producer', name: 'Pia' }, ctx);
    token = /#token=(.+)$/.exec((shared as { ok: true; value: SharedLink }).value.urls[0]!)![1]!;
  });
  afterAll(async () => {
    await host.close();
    await t.cleanup();
  });

  it('calls as the token\'s holder (the studio decides the role), hears events, streams media answers', async () => {
    const tr = StudioTransport.start({ url: host.url, token, reconnectMs: 50 });
    try {
      const heard: string[] = [];
      tr.subscribe((name) => heard.push(name));
      await until(() => (tr.hasConnected ? true : undefined));
      // The producer may list projects but not make a review link, whatever ctx says.
      expect((await tr.call('projects.list', {}, ctx)).ok).toBe(true);
      expect(await tr.call('review.share', { role: 'reviewer', name: 'x' }, ctx)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      await t.core.projects.create('Harbour at dusk');
      await until(() => (heard.includes('projects.changed') ? true : undefined));
      expect((await tr.media({ url: 'media-preview://media/med_00000000000000nope', method: 'GET', range: null, cls: 'preview' })).status).toBe(404);
      expect((await tr.media({ url: 'media-preview://elsewhere/x', method: 'GET', range: null, cls: 'preview' })).status).toBe(404);
    } finally {
      await tr.dispose();
    }
  });

  it('tells the windows when the studio goes away and when it is back, and hears events again after', async () => {
    const tr = StudioTransport.start({ url: host.url, token, reconnectMs: 50 });
    const statuses: CoreStatus[] = [];
    const heard: string[] = [];
    tr.onStatus((s) => statuses.push(s));
    tr.subscribe((name) => heard.push(name));
    try {
      await until(() => (tr.hasConnected ? true : undefined));
      const port = host.port;
      await host.close();
      await until(() => statuses.find((s) => s.state === 'stopped'));
      expect(statuses[0]!.message).toContain(`The studio at ${host.url.replace(/\/$/, '')} cannot be reached`);
      // A call while it is away: one clear answer, not a hang.
      expect(await tr.call('projects.list', {}, ctx)).toMatchObject({ ok: false, error: { code: 'STUDIO_UNREACHABLE' } });
      host = await startHost({ core: t.core, rendererDir, port });
      await until(() => statuses.find((s) => s.state === 'restarted'));
      await t.core.projects.create('Pier at noon');
      await until(() => (heard.includes('projects.changed') ? true : undefined));
    } finally {
      await tr.dispose();
    }
  });

  it('stops trying, and says why, when the studio refuses the token', async () => {
    const tr = StudioTransport.start({ url: host.url, token: 'not-a-token', reconnectMs: 50 });
    const statuses: CoreStatus[] = [];
    tr.onStatus((s) => statuses.push(s));
    try {
      const s = await until(() => statuses[0]);
      expect(s.state).toBe('failed');
      expect(s.message).toContain('refused this machine\'s token');
    } finally {
      await tr.dispose();
    }
  });
});
