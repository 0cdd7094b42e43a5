import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { Logger } from '../core/ports';
import { envKeySource, RUNWAY_KEY_PATTERN, type KeySource } from '../core/providers/runway/keySource';
import { FileKeys } from '../core/security/fileKeys';
import type { SecretKeys } from '../core/security/promptVault';

/**
 * The OS keychain (Electron's safeStorage) behind core's two key ports: the prompt key (SecretKeys)
 * and the Runway API key (KeySource). Secrets are sealed by safeStorage and kept as 0600 files under
 * <dataDir>/keys/*.keychain; the key that opens them stays in the OS keychain.
 *
 * Where the keychain cannot protect anything — safeStorage unavailable, or Linux's `basic_text`
 * backend (a hard-coded password) — it says so loudly in the log and falls back: the prompt key to a
 * 0600 file (FileKeys, as in host mode), the Runway key to RUNWAYML_API_SECRET only (storing is refused).
 *
 * Written against the slice of safeStorage it uses, with no import of electron, so it runs under Node.
 */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

export interface KeychainState {
  isUsable: boolean;
  /** basic_text, gnome_libsecret, kwallet…, or keychain (macOS) / dpapi (Windows). */
  backend: string;
  /** Why it is not usable, in words; null when it is. */
  why: string | null;
}

/** Whether safeStorage really protects secrets here. */
export async function keychainState(safe: SafeStorageLike, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): Promise<KeychainState> {
  const backend = platform === 'linux' ? (safe.getSelectedStorageBackend?.() ?? 'unknown') : platform === 'darwin' ? 'keychain' : platform === 'win32' ? 'dpapi' : 'unknown';
  if (env.CIRCLETAKE_KEYCHAIN === 'off') return { isUsable: false, backend, why: 'the keychain is turned off (CIRCLETAKE_KEYCHAIN=off)' };
  const isAvailable = await safe.isAsyncEncryptionAvailable().catch(() => false);
  if (!isAvailable) return { isUsable: false, backend, why: 'the OS keychain is not available to Circle Take' };
  if (platform === 'linux' && (backend === 'basic_text' || backend === 'unknown')) {
    return { isUsable: false, backend, why: `this Linux session has no keyring (safeStorage backend "${backend}" protects nothing: it uses a hard-coded password)` };
  }
  return { isUsable: true, backend, why: null };
}

const sealedFile = (dir: string, name: string) => join(dir, `${name}.keychain`);

function writeSealed(file: string, data: Buffer): void {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}

/** The prompt key (and any other named 32-byte key) sealed by the OS keychain. Load before createCore. */
export class KeychainSecretKeys implements SecretKeys {
  private constructor(private readonly keys: ReadonlyMap<string, Buffer>) {}

  /**
   * Opens (or creates) each named key. A plain 0600 key file made earlier by the browser host or the
   * CLI on this data dir is used as it is, so both doors keep reading the same prompts.
   */
  static async open(o: { dataDir: string; safe: SafeStorageLike; logger: Logger; names?: readonly string[] }): Promise<KeychainSecretKeys> {
    const dir = join(o.dataDir, 'keys');
    const keys = new Map<string, Buffer>();
    for (const name of o.names ?? ['prompt']) {
      if (existsSync(join(dir, `${name}.key`))) {
        o.logger.log('info', 'using the 0600 key file the browser host or CLI made for this data dir', { key: name });
        keys.set(name, new FileKeys(o.dataDir).key(name));
        continue;
      }
      const file = sealedFile(dir, name);
      if (existsSync(file)) {
        const { result, shouldReEncrypt } = await o.safe.decryptStringAsync(readFileSync(file)).catch((e: unknown) => {
          throw new AppError('FORBIDDEN', `The OS keychain could not open ${file} (${(e as Error).message}). Was the keychain reset? Prompts sealed with it cannot be read.`, { file });
        });
        const key = Buffer.from(result, 'hex');
        if (key.length !== 32) throw new AppError('INTERNAL', `${file} does not hold a 32-byte key.`, { file });
        if (shouldReEncrypt) writeSealed(file, await o.safe.encryptStringAsync(result));
        keys.set(name, key);
      } else {
        const key = randomBytes(32);
        writeSealed(file, await o.safe.encryptStringAsync(key.toString('hex')));
        keys.set(name, key);
      }
    }
    return new KeychainSecretKeys(keys);
  }

  key(name: string): Buffer {
    const k = this.keys.get(name);
    if (!k) throw new AppError('INTERNAL', `The key "${name}" was not loaded from the keychain at startup.`);
    return k;
  }
}

/** A KeySource the app can also write: the Runway key from the environment, else the OS keychain. */
export interface StoringKeySource extends KeySource {
  /** Where the key in use comes from. Never the key itself. */
  where(): Promise<'environment' | 'keychain' | 'none'>;
  store(key: string): Promise<void>;
  clear(): Promise<void>;
}

export class KeychainKeySource implements StoringKeySource {
  private cached: string | null | undefined;
  private readonly file: string;
  private readonly env: KeySource;

  constructor(private readonly o: { dataDir: string; safe: SafeStorageLike; env?: NodeJS.ProcessEnv }) {
    this.file = sealedFile(join(o.dataDir, 'keys'), 'runway');
    this.env = envKeySource(o.env);
  }

  async getKey(): Promise<string | null> {
    const fromEnv = await this.env.getKey();
    if (fromEnv) return fromEnv;
    if (this.cached === undefined) {
      this.cached = existsSync(this.file) ? (await this.o.safe.decryptStringAsync(readFileSync(this.file))).result : null;
    }
    return this.cached;
  }

  async where(): Promise<'environment' | 'keychain' | 'none'> {
    if (await this.env.getKey()) return 'environment';
    return existsSync(this.file) ? 'keychain' : 'none';
  }

  async store(key: string): Promise<void> {
    const k = key.trim();
    if (!RUNWAY_KEY_PATTERN.test(k)) throw new AppError('VALIDATION', 'key: a Runway API key is key_ followed by 128 hex digits (copy it from dev.runwayml.com).', { field: 'key' });
    writeSealed(this.file, await this.o.safe.encryptStringAsync(k));
    this.cached = k;
  }

  async clear(): Promise<void> {
    rmSync(this.file, { force: true });
    this.cached = null;
  }
}

/** Without a usable keychain: RUNWAYML_API_SECRET only, and storing says why not. */
export function envOnlyKeySource(why: string, env: NodeJS.ProcessEnv = process.env): StoringKeySource {
  const inner = envKeySource(env);
  return {
    getKey: () => inner.getKey(),
    where: async () => ((await inner.getKey()) ? 'environment' : 'none'),
    store: async () => {
      throw new AppError('POLICY_REFUSED', `Circle Take will not store the Runway key here: ${why}. Set RUNWAYML_API_SECRET in the environment instead.`, { rule: 'keychain' });
    },
    clear: async () => undefined,
  };
}

/** The composition root's one call: both ports, keychain-backed where it protects, else the fallbacks, said loudly. */
export async function keychainPorts(o: { dataDir: string; safe: SafeStorageLike; logger: Logger; platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv }) {
  const state = await keychainState(o.safe, o.platform, o.env);
  if (!state.isUsable) {
    o.logger.log('warn', `OS KEYCHAIN NOT USED: ${state.why}. Prompts are sealed with a 0600 key file in the data dir; the Runway key is read from RUNWAYML_API_SECRET only.`, {
      backend: state.backend,
    });
    const secretKeys = new FileKeys(o.dataDir);
    return { state, secretKeys: secretKeys as SecretKeys, runwayKeys: envOnlyKeySource(state.why ?? 'no keychain', o.env) };
  }
  const secretKeys = await KeychainSecretKeys.open({ dataDir: o.dataDir, safe: o.safe, logger: o.logger });
  return { state, secretKeys: secretKeys as SecretKeys, runwayKeys: new KeychainKeySource({ dataDir: o.dataDir, safe: o.safe, ...(o.env ? { env: o.env } : {}) }) as StoringKeySource };
}
