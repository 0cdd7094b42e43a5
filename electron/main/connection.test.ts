import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('saves a member\'s export from the studio into a folder here: all of it or nothing, never over a file, only for a role that may export', async () => {
    // What export.run kept for a member on this studio (its exports folder; a bucket serves the same route).
    const kept = join(studio.dataDir, 'exports', 'Harbour cut');
    mkdirSync(kept, { recursive: true });
    writeFileSync(join(kept, '01-shot-1_take-2.mp4'), Buffer.alloc(300_000, 7));
    writeFileSync(join(kept, 'manifest.json'), '{"takes":[]}');
    const files = ['manifest.json', '01-shot-1_take-2.mp4'];
    const picked: string[] = [];
    const store = new StudioConnection({ dataDir: join(data.dir, 'saver'), safe, keychainUsable: true, logger: silentLogger });
    const startLocal = async (): Promise<CoreTransport> => StudioTransport.start({ url: deskHost.url, token: deskHost.ownerToken, reconnectMs: 50 });
    const m = await ConnectionManager.start({ store, startLocal, logger: silentLogger, studio: { reconnectMs: 50, attempts: 1 }, pickFolder: async (title) => (picked.push(title), null) });
    try {
      // Working locally there is nothing to fetch.
      expect(await m.answer('system.saveExport', { name: 'Harbour cut', files, toDir: join(data.dir, 'nope') })).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'name' } } });
      await m.answer('system.connect', { mode: 'studio', url: studioHost.url, invite: await invite('producer', 'Pia') });
      const to = join(data.dir, 'saved', 'Harbour cut');
      expect(await m.answer('system.saveExport', { name: 'Harbour cut', files, toDir: to })).toEqual({ ok: true, value: { dir: to, files: ['01-shot-1_take-2.mp4', 'manifest.json'] } });
      expect(readFileSync(join(to, '01-shot-1_take-2.mp4')).equals(Buffer.alloc(300_000, 7))).toBe(true);
      expect(readdirSync(to).sort()).toEqual(['01-shot-1_take-2.mp4', 'manifest.json']);
      // Again into the same folder: refused naming the files, nothing fetched or changed.
      writeFileSync(join(kept, 'manifest.json'), '{"takes":["changed"]}');
      expect(await m.answer('system.saveExport', { name: 'Harbour cut', files, toDir: to })).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { field: 'toDir', files: ['01-shot-1_take-2.mp4', 'manifest.json'] } } });
      expect(readFileSync(join(to, 'manifest.json'), 'utf8')).toBe('{"takes":[]}');
      // A file the studio does not have: nothing of the export is left in the new folder.
      const other = join(data.dir, 'saved', 'Other');
      expect(await m.answer('system.saveExport', { name: 'Harbour cut', files: [...files, 'sequence.mp4'], toDir: other })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: /no file sequence\.mp4 in the export "Harbour cut"/ } });
      expect(readdirSync(other)).toEqual([]);
      // No folder given: the picker asks; cancelled, nothing is written.
      expect(await m.answer('system.saveExport', { name: 'Harbour cut', files })).toEqual({ ok: true, value: { dir: null, files: [] } });
      expect(picked).toEqual(['Save "Harbour cut" into']);
      // A path instead of a name, a relative folder: refused naming the field.
      expect(await m.answer('system.saveExport', { name: '../etc', files, toDir: other })).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'name' } } });
      expect(await m.answer('system.saveExport', { name: 'Harbour cut', files, toDir: 'relative/dir' })).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'toDir' } } });
      // A reviewer may not download exports: the studio says so, and nothing is written.
      await m.answer('system.connect', { mode: 'studio', url: studioHost.url, invite: await invite('reviewer', 'Rex') });
      const rex = join(data.dir, 'saved', 'Rex');
      expect(await m.answer('system.saveExport', { name: 'Harbour cut', files, toDir: rex })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(readdirSync(rex)).toEqual([]);
    } finally {
      await m.transport.dispose();
    }
  });
});
