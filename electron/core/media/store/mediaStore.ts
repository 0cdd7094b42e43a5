import { existsSync, realpathSync, statSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { AppError } from '../../../../shared/errors';
import type { ArtifactClass } from '../../../../shared/money/params';
import type { CoreEvents } from '../../coreEvents';
import type { Db } from '../../db/db';
import type { Clock, Ids, Logger } from '../../ports';
import { toDto, type PreviewArtifact, type ReleaseArtifact, type StoredArtifact } from './artifact';
import { ArtifactRepo, type ArtifactRecord } from './artifactRepo';
import { copyHashed, ensureDir, fsyncDir, ioError, sha256File, tempNameIn } from './fileOps';
import { clipRelPath, contentTypeOf, isLayoutPath, TMP_DIR, type ClipExtension } from './storeLayout';

/**
 * MediaStore — the preview and release stores. (Interface shared with the job queue: keep it stable.)
 *
 *   const a = await media.putPreview({ projectId, jobId, n, fromFile });   // → PreviewArtifact
 *   const r = await media.putRelease({ projectId, jobId, n, fromFile });   // → ReleaseArtifact
 *   media.get(id); media.getRelease(id); media.fileOf(artifact); media.list(projectId, cls?)
 *
 * - Layout `{class}/{projectId}/{yyyy-mm-dd}/{jobId}-{n}.mp4` under the data dir (storeLayout.ts).
 * - A put copies `fromFile` (the caller keeps and removes its own temp file) into `{class}/.tmp`,
 *   hashing on the way, fsyncs, renames into place and fsyncs the folder, then records the row with
 *   its sha256. Identical content in the same class is stored once: a second put with the same bytes
 *   gets its own artifact id but shares the first file.
 * - Putting the same (class, jobId, n) again with the same bytes returns the existing artifact (a retried
 *   download); different bytes are a CONFLICT.
 * - `resolveFile(id, cls)` is the only way the media routes reach a file: id → row → layout path,
 *   checked by pattern, then by realpath against the class root (no traversal, no symlink escape).
 */
export interface MediaStoreOptions {
  dataDir: string;
  db: Db;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  events?: CoreEvents;
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
  private readonly repo: ArtifactRepo;
  private readonly roots: Record<ArtifactClass, string>;
  /** Serializes puts of the same content so identical bytes are stored once even when racing. */
  private readonly contentLocks = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: MediaStoreOptions) {
    this.repo = new ArtifactRepo(opts.db.conn);
    this.roots = { preview: join(opts.dataDir, 'preview'), release: join(opts.dataDir, 'release') };
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

  find(id: string): StoredArtifact | undefined {
    return this.repo.get(id)?.artifact;
  }

  get(id: string): StoredArtifact {
    const a = this.find(id);
    if (!a) throw new AppError('NOT_FOUND', `No stored clip with id ${id}.`, { field: 'id', id });
    return a;
  }

  getPreview(id: string): PreviewArtifact {
    const a = this.get(id);
    if (a.class !== 'preview') throw new AppError('POLICY_REFUSED', `${id} is a release artifact, not a preview.`, { id, class: a.class });
    return a;
  }

  getRelease(id: string): ReleaseArtifact {
    const a = this.get(id);
    if (a.class !== 'release') {
      throw new AppError('POLICY_REFUSED', `${id} is a preview. Only release artifacts may be exported, stitched or published; finalize the take to render one.`, {
        id,
        class: a.class,
        rule: 'release-only',
      });
    }
    return a;
  }

  list(projectId: string, cls?: ArtifactClass): StoredArtifact[] {
    return this.repo.list(projectId, cls).map((r) => r.artifact);
  }

  /** Live artifacts of a class created before `before` (ms), oldest first: retention's candidates. */
  liveOlderThan(cls: ArtifactClass, before: number): StoredArtifact[] {
    return this.repo.liveOlderThan(cls, before).map((r) => r.artifact);
  }

  /** Absolute path of an artifact's file. NOT_FOUND when retention has swept it (its metadata stays). */
  fileOf(a: StoredArtifact): string {
    const rec = this.record(a.id);
    if (rec.artifact.sweptAt !== null) {
      throw new AppError('NOT_FOUND', `The file of ${a.id} was removed by retention on ${new Date(rec.artifact.sweptAt).toISOString().slice(0, 10)}; its params and metadata remain.`, {
        id: a.id,
        reason: 'swept',
      });
    }
    return join(this.roots[rec.artifact.class], ...rec.relPath.split('/'));
  }

  /**
   * For the media routes: the file of an artifact id, only if it lies inside the root of `cls` (when
   * given). Null for anything unknown, swept, off-layout, missing, or resolving outside the root.
   */
  resolveFile(id: string, cls?: ArtifactClass): { file: string; class: ArtifactClass; contentType: string; sizeBytes: number } | null {
    const rec = this.repo.get(id);
    if (!rec || rec.artifact.sweptAt !== null) return null;
    if (cls && rec.artifact.class !== cls) return null;
    if (!isLayoutPath(rec.relPath)) return null;
    const root = this.roots[rec.artifact.class];
    const file = insideRoot(root, join(root, ...rec.relPath.split('/')));
    if (!file) return null;
    return { file, class: rec.artifact.class, contentType: contentTypeOf(rec.relPath), sizeBytes: statSync(file).size };
  }

  /**
   * Retention: marks the artifact swept and removes its file when no other live artifact shares it.
   * Metadata stays. Returns whether a file was removed.
   */
  async sweep(id: string): Promise<{ removedFile: boolean; freedBytes: number }> {
    const rec = this.record(id);
    const { changed, remainingUsers } = this.opts.db.immediate(() =>
      this.repo.markSwept(id, rec.artifact.class, rec.relPath, this.opts.clock.now()),
    );
    if (!changed || remainingUsers > 0) return { removedFile: false, freedBytes: 0 };
    const file = join(this.roots[rec.artifact.class], ...rec.relPath.split('/'));
    await rm(file, { force: true }).catch((e: unknown) => {
      this.opts.logger.log('warn', 'retention could not remove a file; it will be retried by the next sweep', { id, error: String(e) });
    });
    return { removedFile: true, freedBytes: rec.artifact.sizeBytes };
  }

  dispose(): void {
    this.contentLocks.clear();
  }

  private record(id: string): ArtifactRecord {
    const rec = this.repo.get(id);
    if (!rec) throw new AppError('NOT_FOUND', `No stored clip with id ${id}.`, { field: 'id', id });
    return rec;
  }

  private async put(cls: ArtifactClass, input: PutInput): Promise<StoredArtifact> {
    const createdAt = this.opts.clock.now();
    const relPath = clipRelPath({ ...input, createdAt }); // validates ids, n and ext first
    await assertReadableFile(input.fromFile);

    const existing = this.repo.byJob(cls, input.jobId, input.n);
    if (existing) return this.samePutAgain(existing, input);

    const root = this.roots[cls];
    const tmpDir = join(root, TMP_DIR);
    await ensureDir(tmpDir);
    const tmp = tempNameIn(tmpDir, 'put');
    const { sha256, sizeBytes } = await copyHashed(input.fromFile, tmp, input.signal);

    return this.withContentLock(`${cls}:${sha256}`, async () => {
      try {
        const dup = this.repo.liveByContent(cls, sha256);
        let finalRel = relPath;
        if (dup && existsSync(join(root, ...dup.relPath.split('/')))) {
          finalRel = dup.relPath;
          await rm(tmp, { force: true });
        } else {
          const final = join(root, ...relPath.split('/'));
          await ensureDir(dirname(final));
          await rename(tmp, final).catch((e: unknown) => {
            throw ioError(e, `move the clip into ${dirname(final)}`, root);
          });
          await fsyncDir(dirname(final));
        }
        const id = this.opts.ids.newId('art');
        try {
          this.opts.db.immediate(() => this.repo.insert({ id, cls, projectId: input.projectId, jobId: input.jobId, n: input.n, relPath: finalRel, sha256, sizeBytes, createdAt }));
        } catch (e) {
          // No row, no file: remove the file this put placed (a shared one belongs to its first row).
          if (finalRel === relPath) await rm(join(root, ...relPath.split('/')), { force: true }).catch(() => undefined);
          const raced = this.repo.byJob(cls, input.jobId, input.n);
          if (raced) return this.samePutAgain(raced, input);
          if (String((e as Error).message).includes('FOREIGN KEY')) {
            throw new AppError('NOT_FOUND', `No project with id ${input.projectId}; a clip must belong to a project.`, { field: 'projectId' });
          }
          throw e;
        }
        const artifact = this.get(id);
        this.opts.events?.emit('media.stored', { artifact: toDto(artifact) });
        this.opts.logger.log('info', 'clip stored', { id, class: cls, jobId: input.jobId, n: input.n, sha256, sizeBytes, shared: finalRel !== relPath });
        return artifact;
      } finally {
        await rm(tmp, { force: true }).catch(() => undefined);
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

  private async withContentLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.contentLocks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.contentLocks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.contentLocks.get(key) === tail) this.contentLocks.delete(key);
    }
  }
}

/** The real path of `file` if it exists and lies inside the real `root`; else null. */
export function insideRoot(root: string, file: string): string | null {
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(file);
    const rel = relative(realRoot, real);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

async function assertReadableFile(file: string): Promise<void> {
  const s = await stat(file).catch((e: unknown) => {
    throw (e as NodeJS.ErrnoException).code === 'ENOENT'
      ? new AppError('NOT_FOUND', `No file at ${file} to store.`, { field: 'fromFile' })
      : ioError(e, `read ${file}`, file);
  });
  if (!s.isFile()) throw new AppError('VALIDATION', `${file} is not a file.`, { field: 'fromFile' });
}
