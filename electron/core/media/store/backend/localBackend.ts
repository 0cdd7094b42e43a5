import { createReadStream } from 'node:fs';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../../../../../shared/errors';
import type { ArtifactClass } from '../../../../../shared/money/params';
import { copyHashed, ensureDir, fsyncDir, ioError, tempNameIn } from '../fileOps';
import { insideRoot } from '../insideRoot';
import { TMP_DIR } from '../storeLayout';
import type { ByteRange, DeleteOutcome, ObjectBackend, ObjectInfo, StagedObject } from './objectBackend';

/**
 * The default backend: one folder per class under the data dir, exactly as the stores always were.
 * stage = copy into `{class}/.tmp` hashing on the way and fsync; commit = rename into place and fsync
 * the folder. Keys are layout paths (storeLayout.ts), checked by the store before they get here.
 */
export class LocalBackend implements ObjectBackend {
  readonly kind = 'local' as const;
  readonly where: string;
  readonly label: string;

  constructor(private readonly roots: Record<ArtifactClass, string>) {
    this.where = `local folders ${dirname(roots.preview)}/{preview,release}`;
    this.label = `local folders ${join(dirname(roots.preview), '{preview,release}')}`;
  }

  async probe(): Promise<{ steps: string[] }> {
    const dir = join(this.roots.preview, TMP_DIR);
    await ensureDir(dir);
    const file = tempNameIn(dir, 'probe');
    const body = `circletake probe ${Date.now()}`;
    try {
      await writeFile(file, body, { flag: 'wx' }).catch((e: unknown) => {
        throw ioError(e, `write a probe file in ${dir}`, dir);
      });
      if ((await readFile(file, 'utf8')) !== body) throw new AppError('IO_FAILED', `A probe file read back from ${dir} differs from what was written. Check the drive.`, { reason: 'probe' });
    } finally {
      await rm(file, { force: true });
    }
    return { steps: ['write a probe file', 'read the probe file back', 'delete the probe file'] };
  }

  fileOf(cls: ArtifactClass, key: string): string {
    return join(this.roots[cls], ...key.split('/'));
  }

  locationOf(cls: ArtifactClass, key: string): string {
    return this.fileOf(cls, key);
  }

  async stage(cls: ArtifactClass, fromFile: string, signal?: AbortSignal): Promise<StagedObject> {
    const root = this.roots[cls];
    const tmpDir = join(root, TMP_DIR);
    await ensureDir(tmpDir);
    const tmp = tempNameIn(tmpDir, 'put');
    const { sha256, sizeBytes } = await copyHashed(fromFile, tmp, signal);
    return {
      sha256,
      sizeBytes,
      commit: async (key) => {
        const final = this.fileOf(cls, key);
        await ensureDir(dirname(final));
        await rename(tmp, final).catch((e: unknown) => {
          throw ioError(e, `move the clip into ${dirname(final)}`, root);
        });
        await fsyncDir(dirname(final));
      },
      discard: () => rm(tmp, { force: true }).catch(() => undefined),
    };
  }

  get(cls: ArtifactClass, key: string, range?: ByteRange, signal?: AbortSignal): Promise<Readable> {
    const file = insideRoot(this.roots[cls], this.fileOf(cls, key));
    if (!file) return Promise.reject(new AppError('NOT_FOUND', `The file of ${key} is missing from the ${cls} store.`, { key }));
    return Promise.resolve(createReadStream(file, { ...(range ? { start: range.start, end: range.end } : {}), ...(signal ? { signal } : {}) }));
  }

  async head(cls: ArtifactClass, key: string): Promise<{ sizeBytes: number } | null> {
    const s = await stat(this.fileOf(cls, key)).catch(() => null);
    return s?.isFile() ? { sizeBytes: s.size } : null;
  }

  async deleteMany(cls: ArtifactClass, keys: readonly string[]): Promise<DeleteOutcome> {
    const out: DeleteOutcome = { deleted: [], failed: [] };
    for (const key of keys) {
      try {
        await rm(this.fileOf(cls, key), { force: true });
        out.deleted.push(key);
      } catch (e) {
        out.failed.push({ key, reason: (e as NodeJS.ErrnoException).code ?? String(e) });
      }
    }
    return out;
  }

  async *list(cls: ArtifactClass): AsyncIterable<ObjectInfo> {
    const root = this.roots[cls];
    const walk = async function* (rel: string): AsyncIterable<ObjectInfo> {
      const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (e.name.startsWith('.')) continue; // .tmp, .thumbs
        const child = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) yield* walk(child);
        else if (e.isFile()) {
          const s = await stat(join(root, child)).catch(() => null);
          if (s) yield { key: child, sizeBytes: s.size, lastModified: s.mtimeMs };
        }
      }
    };
    yield* walk('');
  }

  dispose(): void {
    // nothing held
  }
}
