import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, systemClock } from '../core/nodePorts';
import { SupervisedCore, type CoreProcessHandle } from '../main/supervisedCore';
import { testCore } from '../../test/support/core';
import { startS3, type TestS3 } from '../../test/support/s3Server';
import { tempDir } from '../../test/support/tmp';
import { serveCore } from './coreService';
import { nodePortWire, type CoreToMain, type MainToCore } from './protocol';

/**
 * Media kept in an object store reach Electron's media protocols from the core process chunk by chunk
 * (main pulls; the core reads the bucket by byte range): whole, by range, and given up half-way.
 */
const data = tempDir('ct-utility-s3-');
const src = tempDir('ct-utility-s3-src-');
let s3: TestS3;
let transport: SupervisedCore;
let releaseId: string;
const body = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) % 251));

beforeAll(async () => {
  s3 = await startS3('circletake-utility');
  const storeUrl = s3.url('utility');
  const seed = testCore({ dataDir: data.dir, clock: systemClock, config: { storeUrl, storeCredentials: s3.credentials } });
  const f = join(src.dir, 'clip.mp4');
  writeFileSync(f, body);
  releaseId = (await seed.core.media.putRelease({ projectId: (await seed.core.projects.create('Bucket')).id, jobId: 'job_utilitys301', n: 0, fromFile: f })).id;
  await seed.core.dispose();
  transport = await SupervisedCore.start({
    spawn: (): CoreProcessHandle => {
      const { port1, port2 } = new MessageChannel();
      serveCore(nodePortWire<MainToCore, CoreToMain>(port1), { exit: () => port1.close() });
      const exits: ((why: string) => void)[] = [];
      port2.on('close', () => exits.forEach((cb) => cb('port closed')));
      return { wire: nodePortWire<CoreToMain, MainToCore>(port2), onExit: (cb) => exits.push(cb), kill: () => port2.close() };
    },
    config: { dataDir: data.dir, appVersion: '0.0.0-test', isStrict: true, runwayKeyFromMain: false, hasDialogs: false, rendererDir: null, logLevel: 'info', storeUrl, storeCredentials: s3.credentials },
    services: { runwayKey: async () => null, pickFolder: async () => null, notify: () => undefined, progress: () => undefined },
    logger: silentLogger,
  });
});
afterAll(async () => {
  await transport?.dispose();
  await s3?.close();
  data.cleanup();
  src.cleanup();
});

const ask = (range: string | null) => transport.media({ url: `media-release://media/${releaseId}`, method: 'GET', range, cls: 'release' });

describe('media from an object store through the core process', () => {
  it('streams the whole clip and a byte range, pulled from the core process', async () => {
    const whole = await ask(null);
    expect(whole.status).toBe(200);
    expect(whole.headers['content-length']).toBe(String(body.length));
    expect(Buffer.from(await new Response(whole.body).arrayBuffer()).equals(body)).toBe(true);
    const part = await ask('bytes=100000-100099');
    expect(part.status).toBe(206);
    expect(Buffer.from(await new Response(part.body).arrayBuffer()).equals(body.subarray(100_000, 100_100))).toBe(true);
    expect((await ask('bytes=999999-')).status).toBe(416);
  });

  it('a player that gives up half-way cancels the stream, and the core keeps answering', async () => {
    const r = await ask(null);
    const reader = r.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(first.value!.byteLength).toBeLessThan(body.length);
    await reader.cancel();
    const again = await ask('bytes=0-9');
    expect(Buffer.from(await new Response(again.body).arrayBuffer()).equals(body.subarray(0, 10))).toBe(true);
    expect(await transport.call('projects.list', {}, { role: 'owner', door: 'electron' })).toMatchObject({ ok: true });
  });
});
