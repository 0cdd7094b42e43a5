import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../core/ports';
import { FileKeys } from '../core/security/fileKeys';
import { PromptVault } from '../core/security/promptVault';
import { fakeSafeStorage } from '../../test/support/fakeSafeStorage';
import { tempDir } from '../../test/support/tmp';
import { KeychainKeySource, keychainPorts, keychainState } from './keychain';

const dirs: { cleanup(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));
const dataDir = () => {
  const d = tempDir('ct-keychain-');
  dirs.push(d);
  return d.dir;
};
const recorder = () => {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const logger: Logger = { log: (level, msg, fields) => lines.push({ level, msg, ...(fields ? { fields } : {}) }) };
  return { logger, lines };
};
const KEY = `key_${'ab12'.repeat(32)}`;
const noEnv = {} as NodeJS.ProcessEnv;

describe('keychainState', () => {
  it('refuses Linux basic_text and an unknown backend, naming why; trusts a real keyring, macOS and Windows', async () => {
    const basic = await keychainState(fakeSafeStorage({ backend: 'basic_text' }), 'linux', noEnv);
    expect(basic).toMatchObject({ isUsable: false, backend: 'basic_text', why: expect.stringContaining('hard-coded password') });
    expect((await keychainState(fakeSafeStorage({ backend: 'unknown' }), 'linux', noEnv)).isUsable).toBe(false);
    expect(await keychainState(fakeSafeStorage({ backend: 'gnome_libsecret' }), 'linux', noEnv)).toEqual({ isUsable: true, backend: 'gnome_libsecret', why: null });
    expect((await keychainState(fakeSafeStorage({ backend: 'kwallet6' }), 'linux', noEnv)).isUsable).toBe(true);
    expect(await keychainState(fakeSafeStorage(), 'darwin', noEnv)).toEqual({ isUsable: true, backend: 'keychain', why: null });
    expect((await keychainState(fakeSafeStorage(), 'win32', noEnv)).backend).toBe('dpapi');
    expect((await keychainState(fakeSafeStorage({ isAvailable: false }), 'darwin', noEnv)).why).toMatch(/not available/);
    expect((await keychainState(fakeSafeStorage(), 'darwin', { CIRCLETAKE_KEYCHAIN: 'off' })).why).toMatch(/turned off/);
  });
});

describe('keychainPorts where the keychain protects', () => {
  it('seals a new prompt key with safeStorage (0600, never in clear) and opens the same key next launch', async () => {
    const dir = dataDir();
    const safe = fakeSafeStorage();
    const { logger } = recorder();
    const first = await keychainPorts({ dataDir: dir, safe, logger, platform: 'linux', env: noEnv });
    const sealed = join(dir, 'keys', 'prompt.keychain');
    expect(existsSync(sealed)).toBe(true);
    expect(existsSync(join(dir, 'keys', 'prompt.key'))).toBe(false);
    expect(statSync(sealed).mode & 0o777).toBe(0o600);
    const key = first.secretKeys.key('prompt');
    expect(readFileSync(sealed).includes(Buffer.from(key.toString('hex')))).toBe(false);
    const blob = new PromptVault(first.secretKeys).seal({ prompt: 'a lighthouse at dusk' });
    const again = await keychainPorts({ dataDir: dir, safe, logger, platform: 'linux', env: noEnv });
    expect(new PromptVault(again.secretKeys).open(blob)).toEqual({ prompt: 'a lighthouse at dusk' });
    // Host mode on the same data dir cannot read the keychain: it says so instead of minting a key that would orphan every prompt.
    expect(() => new FileKeys(dir).key('prompt')).toThrow(/kept in the OS keychain/);
    expect(existsSync(join(dir, 'keys', 'prompt.key'))).toBe(false);
  });

  it('keeps using a 0600 key file the host or CLI made first, so both doors read the same prompts', async () => {
    const dir = dataDir();
    const fromHost = new FileKeys(dir).key('prompt');
    const { secretKeys } = await keychainPorts({ dataDir: dir, safe: fakeSafeStorage(), logger: recorder().logger, platform: 'darwin', env: noEnv });
    expect(secretKeys.key('prompt').equals(fromHost)).toBe(true);
  });

  it('stores the Runway key sealed, reads it back in a new session, lets the environment win, and clears it', async () => {
    const dir = dataDir();
    const safe = fakeSafeStorage();
    const { runwayKeys } = await keychainPorts({ dataDir: dir, safe, logger: recorder().logger, platform: 'darwin', env: noEnv });
    expect(await runwayKeys.getKey()).toBeNull();
    await (runwayKeys as KeychainKeySource).store(KEY);
    const file = join(dir, 'keys', 'runway.keychain');
    expect(readFileSync(file).includes(Buffer.from(KEY))).toBe(false);
    expect(readFileSync(file).includes(Buffer.from(KEY.slice(4)))).toBe(false);
    const later = new KeychainKeySource({ dataDir: dir, safe, env: noEnv });
    expect(await later.getKey()).toBe(KEY);
    expect(await later.where()).toBe('keychain');
    const fromEnv = new KeychainKeySource({ dataDir: dir, safe, env: { RUNWAYML_API_SECRET: `key_${'cd'.repeat(64)}` } });
    expect(await fromEnv.getKey()).toBe(`key_${'cd'.repeat(64)}`);
    expect(await fromEnv.where()).toBe('environment');
    const err = await later.store('not-a-key-sk-12345678').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'VALIDATION', details: { field: 'key' } });
    expect(String((err as Error).message)).not.toContain('not-a-key');
    await later.clear();
    expect(await later.getKey()).toBeNull();
    expect(existsSync(file)).toBe(false);
  });
});

describe('keychainPorts where it protects nothing (Linux basic_text)', () => {
  it('warns loudly, seals prompts with a 0600 key file, and refuses to store the Runway key', async () => {
    const dir = dataDir();
    const { logger, lines } = recorder();
    const safe = fakeSafeStorage({ backend: 'basic_text' });
    const ports = await keychainPorts({ dataDir: dir, safe, logger, platform: 'linux', env: { RUNWAYML_API_SECRET: KEY } });
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/^OS KEYCHAIN NOT USED: .*basic_text/) })]);
    expect(ports.secretKeys.key('prompt')).toHaveLength(32);
    expect(statSync(join(dir, 'keys', 'prompt.key')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dir, 'keys', 'prompt.keychain'))).toBe(false);
    expect(safe.calls).toBe(0);
    expect(await ports.runwayKeys.getKey()).toBe(KEY);
    const refused = await ports.runwayKeys.store(KEY).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'POLICY_REFUSED', message: expect.stringContaining('RUNWAYML_API_SECRET') });
    expect(String((refused as Error).message)).not.toContain(KEY);
    expect(JSON.stringify(lines)).not.toContain(KEY);
  });
});
