import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/errors';

/** Where the prompt key lives: the OS keychain in Electron, a 0600 key file in host/CLI mode. */
export interface SecretKeys {
  /** A 32-byte key for `name`, created on first use. */
  key(name: string): Buffer;
}

export interface PromptFields {
  prompt: string;
  negativePrompt?: string;
}

const VERSION = 1;

/**
 * Encrypts prompts at rest (AES-256-GCM). The database holds only ciphertext; logs and paths carry
 * params_hash. Layout: [version(1) | iv(12) | tag(16) | ciphertext].
 */
export class PromptVault {
  private readonly key: Buffer;

  constructor(keys: SecretKeys) {
    this.key = keys.key('prompt');
    if (this.key.length !== 32) throw new AppError('INTERNAL', 'The prompt key must be 32 bytes.');
  }

  /**
   * HMAC-SHA256 under a key derived from this install's prompt key: a params_hash anyone who can list
   * jobs sees, but cannot test a guessed prompt against without the key. Equal inputs still hash equal.
   */
  keyedHash(text: string): string {
    this.hashKey ??= Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), 'circletake params_hash v1', 32));
    return createHmac('sha256', this.hashKey).update(text).digest('hex');
  }

  private hashKey: Buffer | undefined;

  seal(fields: PromptFields): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(fields), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  open(blob: Buffer): PromptFields {
    if (blob.length < 29 || blob[0] !== VERSION) throw new AppError('INTERNAL', 'An encrypted prompt has an unknown format.');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, blob.subarray(1, 13));
      decipher.setAuthTag(blob.subarray(13, 29));
      const text = Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]).toString('utf8');
      return JSON.parse(text) as PromptFields;
    } catch (e) {
      throw new AppError('INTERNAL', 'An encrypted prompt could not be decrypted (was the key replaced?).', undefined, { cause: e });
    }
  }
}
