import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callNames } from '../../shared/contract';
import type { Logger } from '../../electron/core/ports';
import { RunwayProvider } from '../../electron/core/providers/runway';
import { keychainPorts, type KeychainKeySource } from '../../electron/main/keychain';
import { createIpcCallHandler } from '../../electron/main/ipcHandler';
import { repoRoot } from '../../electron/host/paths';
import { FakeRunway } from '../fakeRunway/fakeRunway';
import {} from '../support/clips';
import { testCore } from '../support/core';
import { fakeSafeStorage } from '../support/fakeSafeStorage';
import { tempDir } from '../support/tmp';
import { describeWith, itWith, ffmpegNeed, need } from '../support/needs';

// The Runway key never reaches a renderer, the database in clear, a log line or a file
// (docs/reliability.md E3): the built renderer and preload bundles are grepped, and a real Runway job
// (fake server, real SDK) runs with the key held by the keychain port while every IPC reply, every
// event, every log line and every byte under the data dir is searched for it.

const files = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile()) : [];

describe('the built renderer and preload bundles', () => {
  const bundles = [...files(join(repoRoot, 'out', 'renderer')), ...files(join(repoRoot, 'out', 'preload'))].filter((f) => /\.(c?js|html)$/.test(f));

  itWith(need('the built bundles in out/', bundles.length > 0, { fix: 'npm run build' }), 'hold no key, no key variable, no keychain code and no main-process modules', () => {
    for (const f of bundles) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toMatch(/key_[0-9a-f]{128}/);
      expect(text, f).not.toContain('RUNWAYML_API_SECRET');
      expect(text, f).not.toMatch(/safeStorage|decryptString|OS KEYCHAIN/);
      expect(text, f).not.toMatch(/better-sqlite3|node:fs|createCipheriv/);
    }
  });

  it('starts no crash reporter, so no crash report (and no key in one) ever leaves the machine', async () => {
    for (const f of [...files(join(repoRoot, 'electron', 'main')), ...files(join(repoRoot, 'electron', 'preload'))].filter((x) => !x.endsWith('.test.ts'))) {
      expect(readFileSync(f, 'utf8'), f).not.toMatch(/crashReporter/);
    }
  });

  it('exposes no environment to the renderer build (no define, no env prefix that could carry a secret)', async () => {
    const cfg = readFileSync(join(repoRoot, 'electron.vite.config.ts'), 'utf8');
    expect(cfg).not.toMatch(/\bdefine\s*:/);
    expect(cfg).not.toMatch(/envPrefix/);
  });
});

describeWith(ffmpegNeed, 'a Runway job with the key in the keychain', () => {
  const lines: string[] = [];
  const logger: Logger = { log: (level, msg, fields) => lines.push(JSON.stringify({ level, msg, ...fields })) };
  let cleanup: (() => Promise<void>) | null = null;
  const extra = tempDir('ct-key-');
  afterAll(async () => {
    await cleanup?.();
    extra.cleanup();
  });

  it('never puts the key in an IPC reply, an event, a log line, the database or any file', { timeout: 60_000 }, async () => {
    const fake = await FakeRunway.start({ fast: true });
    const key = fake.key;
    const dataDir = join(extra.dir, 'data');
    const keys = await keychainPorts({ dataDir, safe: fakeSafeStorage(), logger, platform: 'darwin', env: {} });
    await (keys.runwayKeys as KeychainKeySource).store(key);
    const provider = new RunwayProvider({ keySource: keys.runwayKeys, baseURL: fake.baseUrl, logger, clock: { now: () => Date.now() } });
    const t = testCore({ dataDir, logger, config: { providerOverrides: [provider], pollIntervalMs: { runway: 10 }, secretKeys: keys.secretKeys, runwayKeys: keys.runwayKeys } });
    cleanup = async () => {
      await t.cleanup();
      await fake.stop();
    };
    const { core } = t;
    const seen: string[] = [];
    core.events.subscribe((name, payload) => seen.push(JSON.stringify({ name, payload })));
    await core.ledger.purchase({ id: 'buy', surface: 'api', credits: 5000 });
    await core.queue.start();
    const trusted = { senderFrame: { url: 'app://renderer/index.html' } };
    const ipc = (name: string, input: unknown) => createIpcCallHandler(name, core.dispatch, logger)(trusted, input).then((r) => (seen.push(JSON.stringify(r)), r));

    const sub = (await ipc('jobs.submit', { params: { provider: 'runway', model: 'gen4.5', durationSec: 2, ratio: '1280:720', prompt: 'a kite over dunes', variations: 1 }, projectName: 'Dunes' })) as {
      ok: true;
      value: { jobId: string };
    };
    expect(sub.ok).toBe(true);
    for (let i = 0; i < 500 && ['queued', 'running'].includes((await core.queue.get(sub.value.jobId)).status); i++) await new Promise((r) => setTimeout(r, 10));
    await core.takeChecks.idle();
    expect((await core.queue.get(sub.value.jobId)).status).toBe('succeeded');
    expect(fake.stats().tasksCreated).toBe(1);
    // Every call the renderer can make, answered and searched (bad payloads included: errors must not echo the key either).
    for (const name of callNames.filter((n) => n !== 'benchmark.run')) {
      await ipc(name, {});
      await ipc(name, { id: sub.value.jobId, projectId: (await core.queue.get(sub.value.jobId)).projectId });
    }
    await ipc('jobs.submit', { params: { provider: 'runway', model: 'gen4.5', durationSec: 2, ratio: '1280:720', prompt: key, variations: 1 }, projectName: 'Leak?' });
    await core.queue.idle();
    await t.cleanup();
    cleanup = () => fake.stop();

    const secret = key.slice(4); // the 128 hex digits, with or without the key_ prefix
    const leaks = [
      ...seen.filter((s) => s.includes(secret)).map((s) => `reply/event: ${s.slice(0, 120)}`),
      ...lines.filter((s) => s.includes(secret)).map((s) => `log: ${s.slice(0, 120)}`),
      ...files(dataDir)
        .filter((f) => readFileSync(f).includes(Buffer.from(secret)))
        .map((f) => `file: ${f}`),
    ];
    expect(leaks).toEqual([]);
    expect(seen.length).toBeGreaterThan(2 * callNames.length);
    expect(files(dataDir).some((f) => f.endsWith('circletake.db'))).toBe(true);
  });
});
