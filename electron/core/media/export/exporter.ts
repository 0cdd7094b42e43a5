import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, rmdir, stat, statfs } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '../../../../shared/errors';
import type { Clock, Logger } from '../../ports';
import { requireRelease, type ReleaseArtifact } from '../store/artifact';
import { copyHashed, ensureDir, fsyncDir, ioError, writeFileDurable } from '../store/fileOps';
import type { MediaStore } from '../store/mediaStore';
import { buildManifest, MANIFEST_NAME, SEQUENCE_NAME, takeFileName, type Manifest, type ManifestComment, type ManifestTake } from './manifest';

/**
 * Export — copies release artifacts (and the stitched sequence) into a folder the producer picks, with
 * manifest.json (takes, params hash, model, credits spent, sha256 of every file).
 * (Interface shared with the CLI and the finalize flow: keep it stable.)
 *
 *   await exporter.exportRelease({ projectId, entries, stitched: { file }, toDir, signal });
 *
 * All or nothing: files are copied (and hash-verified against the store) into a hidden staging folder
 * inside `toDir`, the manifest is written last, then everything is renamed into place. Disk full,
 * permission denied, a read-only drive or cancel leave no partial files — the staging folder and any
 * file already moved are removed — and the error (IO_FAILED) says what happened. Existing files with
 * the same names are never overwritten (CONFLICT). Previews are refused at runtime.
 */
export interface ExportEntry {
  shotPosition: number;
  shotName?: string;
  /** The take's number in its shot (the board's Take N). */
  takeNumber?: number;
  takeId: string;
  paramsHash: string;
  model: string;
  /** Credits this take cost (the release render). */
  credits: number;
  artifact: ReleaseArtifact;
  /** Review comments that travel in the manifest (none when absent). */
  comments?: readonly ManifestComment[];
  seed?: number | null;
  checkStatus?: string | null;
  /** Read only when the export includes prompts. */
  prompt?: () => { prompt: string; negativePrompt: string | null };
}

export interface ExportInput {
  projectId: string;
  projectName?: string;
  /** Put each take's prompt in the manifest (the user opted in). */
  withPrompts?: boolean;
  entries: readonly ExportEntry[];
  stitched?: { file: string };
  toDir: string;
  signal?: AbortSignal;
}

export interface ExportResult {
  dir: string;
  manifestFile: string;
  manifest: Manifest;
}

export class Exporter {
  constructor(private readonly deps: { store: MediaStore; clock: Clock; logger: Logger }) {}

  async exportRelease(input: ExportInput): Promise<ExportResult> {
    if (input.entries.length === 0) throw new AppError('VALIDATION', 'Nothing to export: the project has no finals yet. Finalize at least one take.', { field: 'entries' });
    const dir = resolve(input.toDir);
    const plan: { entry: ExportEntry; artifact: ReleaseArtifact; name: string }[] = [];
    for (const e of input.entries) {
      const a = await this.deps.store.getRelease(requireRelease(e.artifact, 'Export').id);
      await this.deps.store.locationOf(a); // NOT_FOUND now, before any folder is made, when retention swept it
      plan.push({ entry: e, artifact: a, name: takeFileName(e, a.id) });
    }
    const names = new Set(plan.map((p) => p.name));
    if (names.size !== plan.length) throw new AppError('VALIDATION', 'Two finals would get the same file name: each take may appear once.', { field: 'entries' });
    if (input.stitched && !existsSync(input.stitched.file)) throw new AppError('NOT_FOUND', `No stitched sequence at ${input.stitched.file}.`, { field: 'stitched' });
    const allNames = [...names, MANIFEST_NAME, ...(input.stitched ? [SEQUENCE_NAME] : [])];

    const isNewDir = !existsSync(dir);
    await ensureDir(dir, `create the export folder ${dir}`).catch((e: unknown) => {
      throw nothingWritten(e);
    });
    // A folder this export made is removed again when it fails or is cancelled (only while empty).
    const removeNewDir = () => (isNewDir ? rmdir(dir).catch(() => undefined) : Promise.resolve());
    const clash = allNames.filter((n) => existsSync(join(dir, n)));
    if (clash.length > 0) {
      throw new AppError('CONFLICT', `${dir} already holds ${clash.join(', ')}. Pick an empty folder, or move those files away; nothing was written.`, {
        field: 'toDir',
        files: clash,
      });
    }
    const needBytes = plan.reduce((s, p) => s + p.artifact.sizeBytes, 0) + (input.stitched ? (await stat(input.stitched.file)).size : 0);
    await assertSpace(dir, needBytes).catch(async (e: unknown) => {
      await removeNewDir();
      throw e;
    });

    const stage = join(dir, `.circletake-export-${randomBytes(6).toString('hex')}.partial`);
    const moved: string[] = [];
    try {
      await mkdir(stage).catch((e: unknown) => {
        throw ioError(e, `write into ${dir}`, dir);
      });
      const takes: ManifestTake[] = [];
      for (const p of plan) {
        const { sha256, sizeBytes } = await this.deps.store.copyOut(p.artifact, join(stage, p.name), input.signal);
        if (sha256 !== p.artifact.sha256) {
          throw new AppError('IO_FAILED', `The stored file of ${p.artifact.id} no longer matches its recorded sha256; it was not exported. Re-render the take.`, {
            id: p.artifact.id,
            reason: 'checksum',
          });
        }
        const prompt = input.withPrompts && p.entry.prompt ? p.entry.prompt() : null;
        takes.push({
          shotPosition: p.entry.shotPosition,
          shotName: p.entry.shotName ?? null,
          takeNumber: p.entry.takeNumber ?? null,
          takeId: p.entry.takeId,
          artifactId: p.artifact.id,
          file: p.name,
          sha256,
          sizeBytes,
          paramsHash: p.entry.paramsHash,
          model: p.entry.model,
          seed: p.entry.seed ?? null,
          checkStatus: p.entry.checkStatus ?? null,
          ...(prompt ? { prompt: prompt.prompt, negativePrompt: prompt.negativePrompt } : {}),
          creditsSpent: p.entry.credits,
          comments: [...(p.entry.comments ?? [])],
        });
      }
      let sequence: Manifest['sequence'] = null;
      if (input.stitched) {
        const s = await copyHashed(input.stitched.file, join(stage, SEQUENCE_NAME), input.signal);
        sequence = { file: SEQUENCE_NAME, ...s };
      }
      const manifest = buildManifest({ projectId: input.projectId, projectName: input.projectName ?? null, hasPrompts: input.withPrompts === true, exportedAt: this.deps.clock.now(), takes, sequence });
      await writeFileDurable(join(stage, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);

      // Manifest last: a folder with manifest.json is a complete export.
      for (const name of allNames.filter((n) => n !== MANIFEST_NAME).concat(MANIFEST_NAME)) {
        await rename(join(stage, name), join(dir, name)).catch((e: unknown) => {
          throw ioError(e, `move ${name} into ${dir}`, dir);
        });
        moved.push(join(dir, name));
      }
      await rm(stage, { recursive: true, force: true });
      await fsyncDir(dir);
      this.deps.logger.log('info', 'release exported', { projectId: input.projectId, takes: takes.length, withSequence: sequence !== null });
      return { dir, manifestFile: join(dir, MANIFEST_NAME), manifest };
    } catch (e) {
      for (const f of moved) await rm(f, { force: true }).catch(() => undefined);
      await rm(stage, { recursive: true, force: true }).catch((err: unknown) =>
        this.deps.logger.log('error', 'could not remove an export staging folder', { dir, error: String(err) }),
      );
      await removeNewDir();
      throw nothingWritten(e);
    }
  }
}

/** Says, in the error, that nothing was left behind. */
function nothingWritten(e: unknown): unknown {
  if (e instanceof AppError && (e.code === 'IO_FAILED' || e.code === 'CANCELLED')) {
    return new AppError(e.code, `${e.message.replace(/\.$/, '')}. Nothing was left in the export folder.`, { ...e.details, isClean: true }, { cause: e });
  }
  return e;
}

/** Refuses early when the drive clearly lacks the space (the copy still handles a real ENOSPC). */
async function assertSpace(dir: string, needBytes: number): Promise<void> {
  const fs = await statfs(dir).catch(() => null);
  if (!fs) return;
  const free = fs.bavail * fs.bsize;
  if (free < needBytes + 1024 * 1024) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    throw new AppError('IO_FAILED', `The drive holding ${dir} has ${mb(free)} free, and the export needs ${mb(needBytes)}. Free some space or pick another folder; nothing was written.`, {
      reason: 'ENOSPC',
      path: dir,
      freeBytes: free,
      needBytes,
      isClean: true,
    });
  }
}
