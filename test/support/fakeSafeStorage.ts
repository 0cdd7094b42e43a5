import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SafeStorageLike } from '../../electron/main/keychain';

/**
 * Stands in for Electron's safeStorage where no Electron binary exists: real AES-256-GCM under a key
 * the "OS" holds in memory (as the keychain would), the async API and the Linux backend name.
 */
export function fakeSafeStorage(o: { backend?: string; isAvailable?: boolean } = {}): SafeStorageLike & { calls: number } {
  const osKey = randomBytes(32);
  const s = {
    calls: 0,
    isAsyncEncryptionAvailable: async () => o.isAvailable ?? true,
    getSelectedStorageBackend: () => o.backend ?? 'gnome_libsecret',
    encryptStringAsync: async (text: string) => {
      s.calls++;
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', osKey, iv);
      const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptStringAsync: async (data: Buffer) => {
      s.calls++;
      const d = createDecipheriv('aes-256-gcm', osKey, data.subarray(0, 12));
      d.setAuthTag(data.subarray(12, 28));
      return { result: Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8'), shouldReEncrypt: false };
    },
  };
  return s;
}
