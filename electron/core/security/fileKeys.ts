import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { SecretKeys } from './promptVault';

const KEY_HEX = /^[0-9a-f]{64}$/;

/**
 * Keys in 0600 files under <dataDir>/keys (host and CLI mode). A key file readable by others is
 * refused rather than trusted.
 *
 * Several processes may start on a fresh data dir at once (the app, a CLI submit, a second CLI): the
 * first to create the key wins and every other one reads the winner's key. The key is written whole
 * to a private temp file and published with link(2), which fails with EEXIST when the key already
 * exists — an exclusive create that never shows a half-written key. Nothing ever replaces a key file.
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
    const key = existsSync(file) ? readKey(file) : this.create(name, file);
    this.cache.set(name, key);
    return key;
  }

  private create(name: string, file: string): Buffer {
    if (existsSync(join(this.dir, `${name}.keychain`))) {
      // The app sealed this data dir's key in the OS keychain; a fresh key here would make every stored prompt unreadable.
      throw new AppError(
        'FORBIDDEN',
        `This data dir's ${name} key is kept in the OS keychain by the Circle Take app, which this process cannot open. Use the app, or give the CLI/host its own --data-dir.`,
        { file: join(this.dir, `${name}.keychain`) },
      );
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const fresh = randomBytes(32);
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    writeWhole(tmp, fresh.toString('hex'), 'wx');
    try {
      linkSync(tmp, file);
      return fresh;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return readKey(file); // another process won: use its key
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw e;
      // A file system without hard links: create the key file itself exclusively.
      try {
        writeWhole(file, fresh.toString('hex'), 'wx');
        return fresh;
      } catch (e2) {
        if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return readKey(file);
        throw e2;
      }
    } finally {
      rmSync(tmp, { force: true });
    }
  }
}

function writeWhole(file: string, text: string, flag: 'wx'): void {
  const fd = openSync(file, flag, 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads a key file, refusing one others can read or one that does not hold a 32-byte hex key. */
function readKey(file: string): Buffer {
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new AppError('FORBIDDEN', `The key file ${file} is readable by other users. Run: chmod 600 "${file}"`, { file });
  }
  // Only the no-hard-link fallback can show a key mid-write: wait for it briefly.
  for (let i = 0; ; i++) {
    const text = readFileSync(file, 'utf8').trim();
    if (KEY_HEX.test(text)) return Buffer.from(text, 'hex');
    if (text.length >= 64 || i >= 50) {
      throw new AppError('FORBIDDEN', `The key file ${file} does not hold a 32-byte key; prompts sealed with it cannot be read. Restore it from a backup.`, { file });
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
}
