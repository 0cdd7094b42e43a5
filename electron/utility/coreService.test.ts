import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, systemClock } from '../core/nodePorts';
import type { MainServices } from '../main/coreClient';
import { SupervisedCore, type CoreProcessHandle } from '../main/supervisedCore';
import { testCore } from '../../test/support/core';
import { tempDir } from '../../test/support/tmp';
import { serveCore } from './coreService';
import { nodePortWire, type CoreProcessConfig, type CoreToMain, type MainToCore } from './protocol';

/**
 * The core process's protocol without Electron's binary: electron/utility/coreService (what the
 * utilityProcess runs) behind a worker_threads MessageChannel standing in for process.parentPort, driven
 * by main's own SupervisedCore and CoreProcessClient — real contract calls on a real SQLite file,
 * events arriving, media streamed, the keychain's key handed over, main's services asked, dispose.
 */
const data = tempDir('ct-utility-');
const src = tempDir('ct-utility-src-');
let transport: SupervisedCore;
const events: { name: string; payload: unknown }[] = [];
const notices: string[] = [];
const progress: number[] = [];
const asked: string[] = [];
let ended = 0;
let previewId: string;
let seededProject: string;
const DRAFT = { provider: 'local', model: 'gen4_turbo', prompt: 'a lighthouse at dusk, slow push in', negativePrompt: '', seed: '', durationSec: 5, ratio: '1280:720', variations: 1, audio: false, artifactClass: 'preview', outputFormat: null, sourceTakeId: null } as const;
const promptKey = 'ab'.repeat(32);

const services: MainServices = {
  runwayKey: async () => {
    asked.push('runwayKey');
    return null;
  },
  pickFolder: async (title) => {
    asked.push(`pickFolder:${title}`);
    return '/picked/folder';
  },
  notify: (title, body) => notices.push(`${title}: ${body}`),
  progress: (v) => progress.push(v),
};

function inProcessCore(): CoreProcessHandle {
  const { port1, port2 } = new MessageChannel();
  serveCore(nodePortWire<MainToCore, CoreToMain>(port1), { exit: () => port1.close() });
  const exits: ((why: string) => void)[] = [];
  port2.on('close', () => exits.forEach((cb) => cb('port closed')));
  return { wire: nodePortWire<CoreToMain, MainToCore>(port2), onExit: (cb) => exits.push(cb), kill: () => port2.close() };
}

beforeAll(async () => {
  // A preview clip stored just now by another process on the same data dir (as the CLI would; real time, so retention keeps it).
  const seed = testCore({ dataDir: data.dir, clock: systemClock, config: { secretKeys: { key: () => Buffer.from(promptKey, 'hex') } } });
  const f = join(src.dir, 'clip.mp4');
  writeFileSync(f, Buffer.from('preview-bytes-0123456789'));
  seededProject = (await seed.core.projects.create('Seeded')).id;
  previewId = (await seed.core.media.putPreview({ projectId: seededProject, jobId: 'job_utility0001', n: 0, fromFile: f })).id;
  // A prompt sealed with the keychain's key (the one main will hand over).
  const saved = await seed.core.dispatch('drafts.save', { projectId: seededProject, shotId: null, values: DRAFT }, { role: 'owner', door: 'cli' });
  expect(saved.ok).toBe(true);
  await seed.core.dispose();
  const config: CoreProcessConfig = { dataDir: data.dir, appVersion: '0.0.0-test', isStrict: true, secretKeysHex: { prompt: promptKey }, runwayKeyFromMain: true, hasDialogs: true, rendererDir: null, logLevel: 'info' };
  transport = await SupervisedCore.start({
    spawn: () => {
      const h = inProcessCore();
      h.onExit(() => ended++);
      return h;
    },
    config,
    services,
    logger: silentLogger,
  });
  transport.subscribe((name, payload) => events.push({ name, payload }));
});
afterAll(() => {
  data.cleanup();
  src.cleanup();
});

const owner = { role: 'owner', door: 'electron' } as const;

describe('the core process over a message channel (no Electron)', () => {
  it('answers contract calls and sends the events they cause', async () => {
    const created = await transport.call('projects.create', { name: 'Over the channel' }, owner);
    expect(created).toMatchObject({ ok: true, value: { name: 'Over the channel' } });
    const id = (created as { value: { id: string } }).value.id;
    const list = await transport.call('projects.list', {}, owner);
    expect((list as { ok: true; value: { id: string; name: string }[] }).value.map((p) => p.name).sort()).toEqual(['Over the channel', 'Seeded']);
    await expect.poll(() => events.some((e) => e.name === 'projects.changed' && JSON.stringify(e.payload).includes(id))).toBe(true);
    // Bad input is the core's VALIDATION, naming the field, through the same relay.
    expect(await transport.call('projects.create', { name: 7 }, owner)).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'name' } } });
    expect(await transport.call('ledger.steal', {}, owner)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it("asks main for what only main has: the folder picker (and the role table still applies)", async () => {
    expect(await transport.call('system.pickFolder', { title: 'Export to' }, owner)).toEqual({ ok: true, value: { dir: '/picked/folder' } });
    expect(asked).toContain('pickFolder:Export to');
    expect(await transport.call('system.pickFolder', { title: 'x' }, { role: 'reviewer', door: 'electron' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('uses the prompt key main handed over from the keychain, not a key file of its own', async () => {
    const info = await transport.call('system.info', {}, owner);
    expect(info).toMatchObject({ ok: true, value: { door: 'electron', dataDir: data.dir } });
    // The prompt sealed with that key opens in the core process (another key would refuse it).
    const drafts = await transport.call('drafts.list', { projectId: seededProject }, owner);
    expect(drafts).toMatchObject({ ok: true, value: [{ values: { prompt: DRAFT.prompt } }] });
    expect(existsSync(join(data.dir, 'keys', 'prompt.key'))).toBe(false);
  });

  it('streams media by id with ranges; another class, an unknown id or a path is 404', async () => {
    const whole = await transport.media({ url: `media-preview://media/${previewId}`, method: 'GET', range: null, cls: 'preview' });
    expect(whole.status).toBe(200);
    expect(Buffer.from(await new Response(whole.body).arrayBuffer()).toString()).toBe('preview-bytes-0123456789');
    const part = await transport.media({ url: `media-preview://media/${previewId}`, method: 'GET', range: 'bytes=3-7', cls: 'preview' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 3-7/24');
    expect(Buffer.from(await new Response(part.body).arrayBuffer()).toString()).toBe('view-');
    for (const [url, cls] of [
      [`media-release://media/${previewId}`, 'release'],
      ['media-preview://media/art_0000000000unknown', 'preview'],
      ['media-preview://media/..%2f..%2fcircletake.db', 'preview'],
    ] as const) {
      const r = await transport.media({ url, method: 'GET', range: null, cls });
      expect([r.status, r.body]).toEqual([404, null]);
    }
  });

  it('answers a media request it cannot serve with a 500, and keeps serving', async () => {
    // A request main would never send (none at all): the core answers it instead of dying on an unhandled rejection.
    const bad = await transport.media(null as never);
    expect(bad).toMatchObject({ status: 500 });
    const whole = await transport.media({ url: `media-preview://media/${previewId}`, method: 'GET', range: null, cls: 'preview' });
    expect(whole.status).toBe(200);
  }, 15_000);

  it("relays a batch's taskbar progress and its end-of-batch notice to main", async () => {
    const submitted = await transport.call('jobs.submit', { params: { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a kite over a field' }, projectName: 'Batch' }, owner);
    expect(submitted, JSON.stringify(submitted)).toMatchObject({ ok: true });
    await expect.poll(() => notices, { timeout: 60_000 }).toContainEqual(expect.stringMatching(/^Circle Take: batch finished.*: 1 job done/));
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(-1);
  });

  it('disposes the core on quit and ends the process; later calls answer the stopped error at once', async () => {
    await transport.dispose();
    await expect.poll(() => ended).toBe(1);
    // The database was closed, not abandoned: the last connection's close checkpoints and removes the WAL.
    expect(existsSync(join(data.dir, 'circletake.db-wal'))).toBe(false);
    expect(await transport.call('projects.list', {}, owner)).toMatchObject({ ok: false, error: { code: 'DB_UNAVAILABLE' } });
    // Another core opens it and sees the project made over the channel.
    const again = testCore({ dataDir: data.dir });
    try {
      expect((await again.core.projects.list()).map((p) => p.name)).toContain('Over the channel');
    } finally {
      await again.core.dispose();
    }
  });
});
