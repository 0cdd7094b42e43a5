import { readdirSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../../../../shared/errors';
import type { Logger } from '../../ports';
import { HashMismatchError } from './backend/hashGate';
import { ensureDir, sha256File, tempNameIn, writeHashed } from './fileOps';

/**
 * A bounded local cache of objects from a remote store, for the consumers that need a real file
 * (ffmpeg: auto-check, thumbnails, stitch). Files are `{sha256}.{ext}`; a download is streamed to a
 * temp name, hashed on the way and renamed only if it hashes to the sha256 it was asked for — a
 * cached file is always the recorded content. A file found on disk from an earlier run is re-hashed
 * once before its first use. Least recently used files go once the total passes `maxBytes`; a file
 * being used (acquired, not yet released) is never evicted, so the total may pass the limit while
 * every file in it is in use, and shrinks back when they are released.
 *
 *   const { file, release } = await cache.acquire(sha256, 'mp4', sizeBytes, (signal) => backend.get(…));
 */
interface Entry {
  file: string;
  sizeBytes: number;
  lastUsed: number;
  pins: number;
  isVerified: boolean;
}

const NAME = /^([0-9a-f]{64})\.(mp4|mov|webm|mkv)$/;

export class ObjectCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  private tick = 0;
  private total = 0;
  /** Evictions in progress, in order (tests and dispose wait on it). */
  private evicting: Promise<void> = Promise.resolve();

  constructor(private readonly opts: { dir: string; maxBytes: number; logger: Logger }) {
    let names: string[] = [];
    try {
      names = readdirSync(opts.dir);
    } catch {
      // no cache yet
    }
    for (const name of names) {
      const m = NAME.exec(name);
      if (!m) continue;
      const size = statSync(join(opts.dir, name), { throwIfNoEntry: false })?.size ?? 0;
      this.entries.set(name, { file: join(opts.dir, name), sizeBytes: size, lastUsed: 0, pins: 0, isVerified: false });
      this.total += size;
    }
  }

  get usedBytes(): number {
    return this.total;
  }

  async acquire(sha256: string, ext: string, sizeBytes: number, fetch: () => Promise<Readable>): Promise<{ file: string; release: () => void }> {
    const name = `${sha256}.${ext}`;
    let entry = this.entries.get(name);
    if (entry) entry.pins++; // pinned before any await, so eviction cannot take it meanwhile
    try {
      if (entry && !entry.isVerified) {
        entry.isVerified = (await sha256File(entry.file).catch(() => '')) === sha256;
        if (!entry.isVerified) {
          entry.pins--;
          await this.drop(name);
          entry = undefined;
        }
      }
      if (!entry) {
        let p = this.inflight.get(name);
        if (!p) {
          p = this.download(name, sha256, sizeBytes, fetch).finally(() => this.inflight.delete(name));
          this.inflight.set(name, p);
        }
        entry = await p;
        entry.pins++;
      }
    } catch (e) {
      throw e instanceof AppError ? e : new AppError('IO_FAILED', `Could not bring ${name} into the local cache: ${(e as Error).message}.`, { reason: 'cache' }, { cause: e });
    }
    const got = entry;
    got.lastUsed = ++this.tick;
    let isReleased = false;
    this.scheduleEvict();
    return {
      file: got.file,
      release: () => {
        if (isReleased) return;
        isReleased = true;
        got.pins--;
        this.scheduleEvict();
      },
    };
  }

  private async download(name: string, sha256: string, sizeBytes: number, fetch: () => Promise<Readable>): Promise<Entry> {
    await ensureDir(this.opts.dir);
    const tmp = tempNameIn(this.opts.dir, 'fetch');
    const written = await writeHashed(await fetch(), tmp);
    if (written.sha256 !== sha256 || written.sizeBytes !== sizeBytes) {
      await rm(tmp, { force: true });
      throw new AppError(
        'IO_FAILED',
        `The stored object ${name} no longer matches its recorded sha256 (got ${written.sha256.slice(0, 12)}…, ${written.sizeBytes} bytes); it was not used. Re-render the take, or restore the object in the bucket.`,
        { reason: 'checksum', expected: sha256, got: written.sha256 },
        { cause: new HashMismatchError(sha256, written.sha256, written.sizeBytes) },
      );
    }
    const file = join(this.opts.dir, name);
    await rename(tmp, file);
    const entry: Entry = { file, sizeBytes: written.sizeBytes, lastUsed: ++this.tick, pins: 0, isVerified: true };
    this.entries.set(name, entry);
    this.total += entry.sizeBytes;
    return entry;
  }

  /** Resolves once every eviction asked for so far has removed its files. */
  idle(): Promise<void> {
    return this.evicting;
  }

  private scheduleEvict(): void {
    this.evicting = this.evicting.then(() => this.evict());
  }

  private async evict(): Promise<void> {
    if (this.total <= this.opts.maxBytes) return;
    const idle = [...this.entries.entries()].filter(([, e]) => e.pins === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [name] of idle) {
      if (this.total <= this.opts.maxBytes) break;
      await this.drop(name);
    }
  }

  private async drop(name: string): Promise<void> {
    const e = this.entries.get(name);
    if (!e || e.pins > 0) return;
    this.entries.delete(name);
    this.total -= e.sizeBytes;
    await rm(e.file, { force: true }).catch((err: unknown) => this.opts.logger.log('warn', 'could not remove a cached object', { name, error: String(err) }));
  }
}
