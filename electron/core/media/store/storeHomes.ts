import type { Readable } from 'node:stream';
import { AppError } from '../../../../shared/errors';
import type { ArtifactClass } from '../../../../shared/money/params';
import type { Logger } from '../../ports';
import type { ArtifactRecord } from './artifactRepo';
import type { LocalBackend } from './backend/localBackend';
import type { ObjectBackend } from './backend/objectBackend';
import { copyHashed, writeHashed } from './fileOps';
import type { ObjectCache } from './objectCache';
import { isLayoutPath } from './storeLayout';

/**
 * Where each row's bytes live, and the operations that depend on it. A row's rel_path names its
 * home: a layout path is in the local folders, a content key (`{sha256}.mp4`) in the configured
 * object store — so clips stored before a switch to a bucket stay readable from their folders.
 */
export class StoreHomes {
  constructor(
    readonly local: LocalBackend,
    /** Where new clips go. */
    readonly backend: ObjectBackend,
    private readonly cache: ObjectCache,
    private readonly logger: Logger,
  ) {}

  of(rec: ArtifactRecord): ObjectBackend {
    return this.ofKey(rec.relPath, rec.artifact.id);
  }

  /** Real local files for the rows (remote ones through the verified cache), held until `fn` ends. */
  async withFiles<T>(recs: readonly ArtifactRecord[], fn: (files: string[]) => Promise<T>): Promise<T> {
    const held: (() => void)[] = [];
    try {
      const files: string[] = [];
      for (const rec of recs) {
        const cls = rec.artifact.class;
        if (isLayoutPath(rec.relPath)) {
          files.push(this.local.fileOf(cls, rec.relPath));
          continue;
        }
        const home = this.of(rec);
        const ext = rec.relPath.slice(rec.relPath.lastIndexOf('.') + 1);
        const got = await this.cache.acquire(rec.artifact.sha256, ext, rec.artifact.sizeBytes, () => home.get(cls, rec.relPath));
        held.push(got.release);
        files.push(got.file);
      }
      return await fn(files);
    } finally {
      for (const release of held) release();
    }
  }

  /** Streams a row's bytes into `toFile`, hashed and fsynced; all or nothing. */
  async copyOut(rec: ArtifactRecord, toFile: string, signal?: AbortSignal): Promise<{ sha256: string; sizeBytes: number }> {
    if (isLayoutPath(rec.relPath)) return copyHashed(this.local.fileOf(rec.artifact.class, rec.relPath), toFile, signal);
    const body: Readable = await this.of(rec).get(rec.artifact.class, rec.relPath, undefined, signal);
    return writeHashed(body, toFile, signal);
  }

  /** Deletes the rows' objects in batches per home and class; failures are logged and counted. */
  async deleteRecords(recs: readonly ArtifactRecord[]): Promise<{ deleted: Set<ArtifactRecord>; failed: number }> {
    const deleted = new Set<ArtifactRecord>();
    let failed = 0;
    for (const cls of ['preview', 'release'] as const) {
      for (const isLocal of [true, false]) {
        const group = recs.filter((r) => r.artifact.class === cls && isLayoutPath(r.relPath) === isLocal);
        if (group.length === 0) continue;
        const out = await this.of(group[0]!).deleteMany(cls, group.map((r) => r.relPath));
        const ok = new Set(out.deleted);
        for (const r of group) if (ok.has(r.relPath)) deleted.add(r);
        failed += out.failed.length;
        for (const f of out.failed.slice(0, 5)) {
          this.logger.log('warn', 'retention could not delete an object; the next sweep retries it', { class: cls, key: f.key, reason: f.reason });
        }
      }
    }
    return { deleted, failed };
  }

  /** Deletes the still-present objects among `pending` last written before `before` (ms, wall clock). */
  async deleteLeftovers(pending: readonly { cls: ArtifactClass; relPath: string }[], before: number): Promise<{ deleted: number; failed: number }> {
    let deleted = 0;
    let failed = 0;
    for (const cls of ['preview', 'release'] as const) {
      for (const home of this.backend === this.local ? [this.local] : [this.local, this.backend]) {
        const wanted = new Set(pending.filter((p) => p.cls === cls && isLayoutPath(p.relPath) === (home === this.local)).map((p) => p.relPath));
        if (wanted.size === 0) continue;
        const keys: string[] = [];
        for await (const o of home.list(cls)) if (wanted.has(o.key) && o.lastModified < before) keys.push(o.key);
        if (keys.length === 0) continue;
        const out = await home.deleteMany(cls, keys);
        deleted += out.deleted.length;
        failed += out.failed.length;
      }
    }
    return { deleted, failed };
  }

  /** Resolves once the cache's pending evictions are done. */
  idle(): Promise<void> {
    return this.cache.idle();
  }

  dispose(): void {
    if (this.backend !== this.local) this.backend.dispose();
  }

  private ofKey(relPath: string, id: string): ObjectBackend {
    if (isLayoutPath(relPath)) return this.local;
    if (this.backend.kind === 'local') {
      throw new AppError('NOT_FOUND', `${id} is kept in object storage, and no store is configured. Set CIRCLETAKE_STORE_URL (or --store-url) to the bucket it was stored in.`, {
        id,
        setting: 'CIRCLETAKE_STORE_URL',
      });
    }
    return this.backend;
  }
}
