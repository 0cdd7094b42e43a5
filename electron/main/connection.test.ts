import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../core/nodePorts';
import { rendererDir } from '../host/paths';
import { startHost, type RunningHost } from '../host/server';
import { studioAuthenticate } from '../host/studio/memberAuth';
import { testCore } from '../../test/support/core';
import { fakeSafeStorage } from '../../test/support/fakeSafeStorage';
import { tempDir } from '../../test/support/tmp';
import { ConnectionManager } from './connection';
import type { CoreTransport } from '../host/coreTransport';
import { StudioConnection } from './studioConnection';
import { StudioTransport } from '../host/studioTransport';

// "Connect to a studio" / "Work locally" as Electron main does it, under Node: a real studio (a host over a
// real core with member tokens), the desktop's own "local core" (another real host here, standing in for the
// utility process), the token sealed by a keychain stand-in. Main answers the two calls itself.

const ctx = { role: 'owner', door: 'electron' } as const;
const owner = { role: 'owner', door: 'cli' } as const;

describe('ConnectionManager', () => {
  const studio = testCore();
  const desk = testCore();
  const data = tempDir('ct-desktop-');
  // One OS keychain for the machine, across app starts.
  const safe = fakeSafeStorage();
  let studioHost: RunningHost;
  let deskHost: RunningHost;
  beforeAll(async () => {
    studioHost = await startHost({ core: studio.core, rendererDir, authenticate: studioAuthenticate(studio.core, async () => null) });
    deskHost = await startHost({ core: desk.core, rendererDir });
  });
  afterAll(async () => {
    await studioHost.close();
    await deskHost.close();
    await studio.cleanup();
    await desk.cleanup();
    data.cleanup();
  });

  const invite = async (role: string, name: string) => {
    const r = await studio.core.dispatch('studio.invite', { role, name }, owner);
    if (!r.ok) throw new Error(r.error.message);
    return (r.value as { secret: string }).secret;
  };
  const open = async () => {
    let locals = 0;
    const startLocal = async (): Promise<CoreTransport> => {
      locals++;
      return StudioTransport.start({ url: deskHost.url, token: deskHost.ownerToken, reconnectMs: 50 });
    };
    const store = new StudioConnection({ dataDir: data.dir, safe, keychainUsable: true, logger: silentLogger });
    const m = await ConnectionManager.start({ store, startLocal, logger: silentLogger, studio: { reconnectMs: 50, attempts: 1 } });
    return { m, locals: () => locals };
  };

  it('starts local, joins a studio with an invite link, works there as the member, and goes back to local', async () => {
    await studio.core.projects.create('Studio film');
    await desk.core.projects.create('My own film');
    const { m, locals } = await open();
    try {
      expect(await m.answer('system.connection', {})).toEqual({ ok: true, value: { mode: 'local', studio: null, member: null, canSwitch: true } });
      const names = async () => ((await m.transport.call('projects.list', {}, ctx)) as { ok: true; value: { name: string }[] }).value.map((p) => p.name);
      expect(await names()).toEqual(['My own film']);

      const secret = await invite('filmmaker', 'Ana');
      const joined = await m.answer('system.connect', { mode: 'studio', url: studioHost.url, invite: `${studioHost.url}#invite=${secret}` });
      const origin = new URL(studioHost.url).origin;
      expect(joined).toEqual({ ok: true, value: { mode: 'studio', studio: origin, member: { id: expect.stringMatching(/^mem_/), name: 'Ana', role: 'filmmaker' }, canSwitch: true } });
      expect(await names()).toEqual(['Studio film']);
      // As Ana the filmmaker, not as this machine's owner: the studio refuses her an admin's call.
      expect(await m.transport.call('studio.members', {}, ctx)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: /needs the admin role/ } });
      // The token is sealed, never in the JSON; the address and who we are are.
      const saved = readFileSync(join(data.dir, 'studio.json'), 'utf8');
      expect(saved).toContain('"name": "Ana"');
      expect(saved).not.toMatch(/ctm_/);
      expect(readFileSync(join(data.dir, 'keys', 'studio.keychain')).toString('latin1')).not.toMatch(/ctm_/);

      expect(await m.answer('system.connect', { mode: 'local' })).toEqual({ ok: true, value: { mode: 'local', studio: null, member: null, canSwitch: true } });
      expect(await names()).toEqual(['My own film']);
      expect(locals()).toBe(2);
      expect(existsSync(join(data.dir, 'studio.json'))).toBe(false);
    } finally {
      await m.transport.dispose();
    }
  });

  it('comes back to the saved studio at the next start; a refused join changes nothing and names the field', async () => {
    const first = await open();
    await first.m.answer('system.connect', { mode: 'studio', url: studioHost.url, invite: await invite('reviewer', 'Rae') });
    await first.m.transport.dispose();

    const again = await open();
    try {
      expect(again.locals()).toBe(0);
      expect((await again.m.answer('system.connection', {}))).toMatchObject({ ok: true, value: { mode: 'studio', member: { name: 'Rae', role: 'reviewer' } } });
      expect((await again.m.transport.call('projects.list', {}, ctx)).ok).toBe(true);

      // The same invite twice, an address with nothing behind it, and no invite at all: each refused, still on the studio as Rae.
      const used = await invite('producer', 'Pia');
      await studio.core.dispatch('studio.acceptInvite', { secret: used }, { role: 'guest', door: 'host' } as never);
      expect(await again.m.answer('system.connect', { mode: 'studio', url: studioHost.url, invite: used })).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { field: 'invite' } } });
      expect(await again.m.answer('system.connect', { mode: 'studio', url: 'http://127.0.0.1:9/', invite: await invite('producer', 'Pia') })).toMatchObject({ ok: false, error: { code: 'STUDIO_UNREACHABLE', details: { field: 'url' } } });
      expect(await again.m.answer('system.connect', { mode: 'studio', url: studioHost.url, invite: 'hello' })).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'invite' } } });
      expect(await again.m.answer('system.connect', { mode: 'studio', url: studioHost.url })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect((await again.m.answer('system.connection', {}))).toMatchObject({ ok: true, value: { mode: 'studio', member: { name: 'Rae' } } });
    } finally {
      await again.m.transport.dispose();
    }
  });
});
