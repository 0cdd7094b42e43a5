import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { SecretKeys } from './promptVault';

/**
 * Keys in 0600 files under <dataDir>/keys (host and CLI mode). A key file readable by others is
 * refused rather than trusted.
 */
export class FileKeys implements SecretKeys {
  private readonly dir: string;
  private readonly cache = new Map<string, Buffer>();

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'keys');
  }

  key(name: string): Buffer {
    const hit = this.cache.get(name);
    if (hit) return hit;
    if (!/^[a-z][a-z0-9-]{0,40}$/.test(name)) throw new AppError('INTERNAL', `Bad key name ${name}`);
    const file = join(this.dir, `${name}.key`);
    let key: Buffer;
    if (existsSync(file)) {
      if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
        throw new AppError('FORBIDDEN', `The key file ${file} is readable by other users. Run: chmod 600 "${file}"`, { file });
      }
      key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    } else {
      if (existsSync(join(this.dir, `${name}.keychain`))) {
        // The app sealed this data dir's key in the OS keychain; a fresh key here would make every stored prompt unreadable.
        throw new AppError(
          'FORBIDDEN',
          `This data dir's ${name} key is kept in the OS keychain by the Circle Take app, which this process cannot open. Use the app, or give the CLI/host its own --data-dir.`,
          { file: join(this.dir, `${name}.keychain`) },
        );
      }
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      key = randomBytes(32);
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, key.toString('hex'), { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, file);
    }
    this.cache.set(name, key);
    return key;
  }
}
