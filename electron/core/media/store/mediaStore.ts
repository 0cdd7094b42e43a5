import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../../../../shared/errors';
import type { ArtifactClass } from '../../../../shared/money/params';
import type { CoreEvents } from '../../coreEvents';
import { constraintOf, type SqlEngine } from '../../db/engine/sqlEngine';
import type { Clock, Ids, Logger } from '../../ports';
import { toDto, type PreviewArtifact, type ReleaseArtifact, type StoredArtifact } from './artifact';
import { artifactRepo as repo, type ArtifactRecord } from './artifactRepo';
import { LocalBackend } from './backend/localBackend';
import { CAS_KEY, casKey, type ByteRange, type ObjectBackend } from './backend/objectBackend';
import { assertReadableFile, sha256File } from './fileOps';
import { KeyedLock } from './keyedLock';
import { insideRoot } from './insideRoot';
import { ObjectCache } from './objectCache';
import { StoreHomes } from './storeHomes';
import { clipRelPath, contentTypeOf, isLayoutPath, type ClipExtension } from './storeLayout';

export { insideRoot } from './insideRoot';

/**
 * MediaStore — the preview and release stores. (Interface shared with the job queue: keep it stable.)
 *
 *   const a = await media.putPreview({ projectId, jobId, n, fromFile });   // → PreviewArtifact
 *   const r = await media.putRelease({ projectId, jobId, n, fromFile });   // → ReleaseArtifact
 *   await media.get(id); await media.getRelease(id); await media.fileOf(artifact); await media.list(projectId, cls?)
 *
 * - Layout `{class}/{projectId}/{yyyy-mm-dd}/{jobId}-{n}.mp4` under the data dir (storeLayout.ts).
 * - A put copies `fromFile` (the caller keeps and removes its own temp file) into `{class}/.tmp`,
 *   hashing on the way, fsyncs, renames into place and fsyncs the folder, then records the row with
 *   its sha256 (in its own transaction, after the file is in place). Identical content in the same class is stored once: a second put with the same bytes
 *   gets its own artifact id but shares the first file.
 * - Putting the same (class, jobId, n) again with the same bytes returns the existing artifact (a retried
 *   download); different bytes are a CONFLICT.
 * - `resolveFile(id, cls)` is the only way the media routes reach a file: id → row → layout path,
 *   checked by pattern, then by realpath against the class root (no traversal, no symlink escape).
 *
 * Where the bytes live is the backend's business (backend/objectBackend.ts): the local folders above
 * (default), or an S3-compatible bucket (`backend`), where keys are content-addressed
 * (`{prefix}{class}/{sha256}.mp4`) and the row's rel_path is that key. A row names its own home: a
 * layout path is always read from the local folders, so clips stored before switching stay readable.
 * Consumers that need a real file use `withLocalFiles` (a bounded, verified cache for remote objects);
 * export streams with `copyOut`; the media routes stream with `resolveObject`.
 */
export interface MediaStoreOptions {
  dataDir: string;
  /** The database holding the artifacts table (SQLite or PostgreSQL). */
  engine: SqlEngine;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  events?: CoreEvents;
  /** Where new clips go (default: the local folders). */
  backend?: ObjectBackend;
  /** Size limit of the local cache of remote objects (default 5 GiB). */
  cacheBytes?: number;
}

export interface PutInput {
  projectId: string;
  jobId: string;
  /** Variation index within the job. */
  n: number;
  fromFile: string;
  ext?: ClipExtension;
  signal?: AbortSignal;
}

export class MediaStore {
  private readonly roots: Record<ArtifactClass, string>;
  /** Serializes puts of the same content so identical bytes are stored once even when racing. */
  private readonly contentLock = new KeyedLock();
  private readonly local: LocalBackend;
  private readonly homes: StoreHomes;
  /** Where new clips go. */
  readonly backend: ObjectBackend;

  constructor(private readonly opts: MediaStoreOptions) {
    this.roots = { preview: join(opts.dataDir, 'preview'), release: join(opts.dataDir, 'release') };
    this.local = new LocalBackend(this.roots);
    this.backend = opts.backend ?? this.local;
    const cache = new ObjectCache({ dir: join(opts.dataDir, 'cache', 'objects'), maxBytes: opts.cacheBytes ?? 5 * 1024 ** 3, logger: opts.logger });
    this.homes = new StoreHomes(this.local, this.backend, cache, opts.logger);
  }

  rootOf(cls: ArtifactClass): string {
    return this.roots[cls];
  }

  putPreview(input: PutInput): Promise<PreviewArtifact> {
    return this.put('preview', input) as Promise<PreviewArtifact>;
  }

  putRelease(input: PutInput): Promise<ReleaseArtifact> {
    return this.put('release', input) as Promise<ReleaseArtifact>;
  }

  async find(id: string): Promise<StoredArtifact | undefined> {
    return (await repo.get(this.opts.engine, id))?.artifact;
  }

  async get(id: string): Promise<StoredArtifact> {
    return (await this.record(id)).artifact;
  }

  async getPreview(id: string): Promise<PreviewArtifact> {
    const a = await this.get(id);
    if (a.class !== 'preview') throw new AppError('POLICY_REFUSED', `${id} is a release artifact, not a preview.`, { id, class: a.class });
    return a;
  }

  async getRelease(id: string): Promise<ReleaseArtifact> {
    const a = await this.get(id);
    if (a.class !== 'release') {
      throw new AppError('POLICY_REFUSED', `${id} is a preview. Only release artifacts may be exported, stitched or published; finalize the take to render one.`, {
        id,
        class: a.class,
        rule: 'release-only',
      });
    }
    return a;
  }

  async list(projectId: string, cls?: ArtifactClass): Promise<StoredArtifact[]> {
    return (await repo.list(this.opts.engine, projectId, cls)).map((r) => r.artifact);
  }

  /** Live artifacts of a class created before `before` (ms), oldest first: retention's candidates. */
  async liveOlderThan(cls: ArtifactClass, before: number): Promise<StoredArtifact[]> {
    return (await repo.liveOlderThan(this.opts.engine, cls, before)).map((r) => r.artifact);
  }

  /** Absolute path of a clip kept in the local folders. NOT_FOUND when swept; use withLocalFiles for any backend. */
  async fileOf(a: StoredArtifact): Promise<string> {
    const rec = await this.unswept(a.id);
    if (!isLayoutPath(rec.relPath)) {
      throw new AppError('NOT_FOUND', `${a.id} lives in object storage (${this.backend.locationOf(rec.artifact.class, rec.relPath)}), not in a local folder.`, { id: a.id });
    }
    return this.local.fileOf(rec.artifact.class, rec.relPath);
  }

  /** Where a clip lives, for display: a local path or s3://bucket/key. Never a credential. */
  async locationOf(a: StoredArtifact): Promise<string> {
    const rec = await this.unswept(a.id);
    return this.homes.of(rec).locationOf(rec.artifact.class, rec.relPath);
  }

  /**
   * Runs `fn` with real local files for the clips (ffmpeg needs paths): local clips as they are,
   * remote ones through the bounded cache, verified by sha256 and kept from eviction until `fn` ends.
   */
  async withLocalFiles<T>(artifacts: readonly StoredArtifact[], fn: (files: string[]) => Promise<T>): Promise<T> {
    return this.homes.withFiles(await Promise.all(artifacts.map((a) => this.unswept(a.id))), fn);
  }

  withLocalFile<T>(a: StoredArtifact, fn: (file: string) => Promise<T>): Promise<T> {
    return this.withLocalFiles([a], (files) => fn(files[0]!));
  }

  /** Streams a clip into `toFile` (which must not exist), hashed and fsynced; all or nothing. */
  async copyOut(a: StoredArtifact, toFile: string, signal?: AbortSignal): Promise<{ sha256: string; sizeBytes: number }> {
    return this.homes.copyOut(await this.unswept(a.id), toFile, signal);
  }

  /**
   * For the media routes: the file of an artifact id, only if it lies inside the root of `cls` (when
   * given). Null for anything unknown, swept, off-layout, missing, or resolving outside the root.
   */
  async resolveFile(id: string, cls?: ArtifactClass): Promise<{ file: string; class: ArtifactClass; contentType: string; sizeBytes: number } | null> {
    const rec = await repo.get(this.opts.engine, id);
    if (!rec || rec.artifact.sweptAt !== null) return null;
    if (cls && rec.artifact.class !== cls) return null;
    if (!isLayoutPath(rec.relPath)) return null;
    const root = this.roots[rec.artifact.class];
    const file = insideRoot(root, join(root, ...rec.relPath.split('/')));
    if (!file) return null;
    return { file, class: rec.artifact.class, contentType: contentTypeOf(rec.relPath), sizeBytes: statSync(file).size };
  }

  /** For the media routes: a clip held by a remote backend, opened by byte range. Same rules as resolveFile. */
  async resolveObject(id: string, cls?: ArtifactClass): Promise<{ class: ArtifactClass; contentType: string; sizeBytes: number; open: (range?: ByteRange) => Promise<Readable> } | null> {
    const rec = await repo.get(this.opts.engine, id);
    if (!rec || rec.artifact.sweptAt !== null) return null;
    if ((cls && rec.artifact.class !== cls) || !CAS_KEY.test(rec.relPath) || this.backend.kind === 'local') return null;
    const { class: c, sizeBytes } = rec.artifact;
    return { class: c, contentType: contentTypeOf(rec.relPath), sizeBytes, open: (range) => this.backend.get(c, rec.relPath, range) };
  }

  /**
   * Retention: marks the artifacts swept (metadata stays) and deletes, in batches, the objects no
   * unswept row uses any more. A delete that fails is logged and retried by `retryDeletes` (every
   * sweep runs it). Returns what was freed.
   */
  async sweepMany(ids: readonly string[]): Promise<{ swept: string[]; removed: string[]; freedBytes: number; failedDeletes: number }> {
    const now = this.opts.clock.now();
    const { swept, goes } = await this.opts.engine.tx((q) => repo.markManySwept(q, ids, now));
    const { deleted, failed } = await this.homes.deleteRecords(goes);
    const gone = goes.filter((r) => deleted.has(r));
    return { swept, removed: gone.map((r) => r.artifact.id), freedBytes: gone.reduce((sum, r) => sum + r.artifact.sizeBytes, 0), failedDeletes: failed };
  }

  /** Retention, one artifact: as sweepMany. Returns whether its file went. */
  async sweep(id: string): Promise<{ removedFile: boolean; freedBytes: number }> {
    await this.record(id);
    const r = await this.sweepMany([id]);
    return { removedFile: r.removed.includes(id), freedBytes: r.freedBytes };
  }

  /**
   * Retention's second pass, every sweep: deletes the objects whose rows are all swept but that are
   * still in their store (a delete that failed, a crash between the mark and the delete). Only keys
   * this database swept, and only objects last written before `graceMs` ago (wall clock, like the
   * store's timestamps), so a put storing the same content again right now is left alone.
   */
  async retryDeletes(graceMs = 10 * 60_000): Promise<{ deleted: number; failed: number }> {
    const { deleted, failed } = await this.homes.deleteLeftovers(await repo.sweptObjects(this.opts.engine), Date.now() - graceMs);
    if (deleted + failed > 0) this.opts.logger.log(failed ? 'warn' : 'info', 'retention retried deletes', { deleted, failed });
    return { deleted, failed };
  }

  /** Resolves once the local cache of remote clips has finished evicting (tests, dispose). */
  idle(): Promise<void> {
    return this.homes.idle();
  }

  dispose(): void {
    this.contentLock.clear();
    this.homes.dispose();
  }

  private async record(id: string): Promise<ArtifactRecord> {
    const rec = await repo.get(this.opts.engine, id);
    if (!rec) throw new AppError('NOT_FOUND', `No stored clip with id ${id}.`, { field: 'id', id });
    return rec;
  }

  private async unswept(id: string): Promise<ArtifactRecord> {
    const rec = await repo.get(this.opts.engine, id);
    if (!rec) throw new AppError('NOT_FOUND', `No stored clip with id ${id}.`, { field: 'id', id });
    if (rec.artifact.sweptAt !== null) {
      const day = new Date(rec.artifact.sweptAt).toISOString().slice(0, 10);
      throw new AppError('NOT_FOUND', `The file of ${id} was removed by retention on ${day}; its params and metadata remain.`, { id, reason: 'swept' });
    }
    return rec;
  }

  private async put(cls: ArtifactClass, input: PutInput): Promise<StoredArtifact> {
    const createdAt = this.opts.clock.now();
    const relPath = clipRelPath({ ...input, createdAt }); // validates ids, n and ext first
    await assertReadableFile(input.fromFile);

    const { engine } = this.opts;
    const existing = await repo.byJob(engine, cls, input.jobId, input.n);
    if (existing) return this.samePutAgain(existing, input);

    const staged = await this.backend.stage(cls, input.fromFile, input.signal);
    const { sha256, sizeBytes } = staged;
    return this.contentLock.run(`${cls}:${sha256}`, async () => {
      try {
        const key = this.backend.kind === 'local' ? relPath : casKey(sha256, input.ext ?? 'mp4');
        const dup = await repo.liveByContent(engine, cls, sha256);
        let finalRel = key;
        if (dup && (await this.homes.of(dup).head(cls, dup.relPath))) finalRel = dup.relPath;
        else await staged.commit(key, contentTypeOf(key), input.signal);
        const id = this.opts.ids.newId('art');
        try {
          await engine.tx((q) => repo.insert(q, { id, cls, projectId: input.projectId, jobId: input.jobId, n: input.n, relPath: finalRel, sha256, sizeBytes, createdAt }));
        } catch (e) {
          // No row, no object: remove what this put placed (a shared one belongs to its rows).
          if (finalRel === key && (await repo.liveUsers(engine, cls, key)) === 0) await this.backend.deleteMany(cls, [key]).catch(() => undefined);
          const raced = await repo.byJob(engine, cls, input.jobId, input.n);
          if (raced) return this.samePutAgain(raced, input);
          if (constraintOf(e) === 'foreignKey') {
            throw new AppError('NOT_FOUND', `No project with id ${input.projectId}; a clip must belong to a project.`, { field: 'projectId' });
          }
          throw e;
        }
        const artifact = await this.get(id);
        this.opts.events?.emit('media.stored', { artifact: toDto(artifact) });
        this.opts.logger.log('info', 'clip stored', { id, class: cls, jobId: input.jobId, n: input.n, sha256, sizeBytes, shared: finalRel !== key, backend: this.backend.kind });
        return artifact;
      } finally {
        await staged.discard();
      }
    });
  }

  private async samePutAgain(existing: ArtifactRecord, input: PutInput): Promise<StoredArtifact> {
    const sha = await sha256File(input.fromFile, input.signal);
    if (sha === existing.artifact.sha256) return existing.artifact;
    throw new AppError(
      'CONFLICT',
      `Job ${input.jobId} variation ${input.n} already has a stored ${existing.artifact.class} clip (${existing.artifact.id}) with different content. A stored clip is never replaced.`,
      { id: existing.artifact.id, jobId: input.jobId, n: input.n },
    );
  }
}
