import { existsSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { AppError } from '../../../../shared/errors';
import type { Logger } from '../../ports';
import { progressFraction } from '../ffmpeg/progress';
import { probeFile, type ProbeInfo } from '../ffmpeg/probe';
import type { FfmpegRunner } from '../ffmpeg/runner';
import { stitchArgs, stitchedDuration, type StitchClip, type StitchTarget } from '../ffmpeg/stitchArgs';
import { requireRelease, type ReleaseArtifact } from '../store/artifact';
import { fsyncDir, ioError, sha256File, tempNameIn } from '../store/fileOps';
import type { MediaStore } from '../store/mediaStore';

/**
 * Stitch — joins release artifacts, in the order given (shot order), into one MP4.
 * (Interface shared with the finalize flow and the CLI: keep it stable.)
 *
 *   await stitcher.stitch(finals, '/out/sequence.mp4', { crossfadeSec: 0.25, signal, onProgress });
 *
 * Normalizes frame rate, timebase, resolution and audio layout (target: the first clip's size and
 * rate unless given), then concats with an audio crossfade (see stitchArgs.ts for the J-cut that keeps
 * sync). ffmpeg writes a temp file beside `outFile`, renamed into place only on success; cancel
 * (signal) or failure kills ffmpeg and removes the partial file. Previews are refused at runtime.
 */
export interface StitchOptions {
  /** Audio crossfade at each cut, seconds (default 0.25; 0 = hard cut). */
  crossfadeSec?: number;
  signal?: AbortSignal;
  /** 0..1, at most about 10 times a second, and 1 at the end. */
  onProgress?: (fraction: number) => void;
  target?: Partial<StitchTarget>;
  /** Replace an existing outFile (default: refuse). */
  overwrite?: boolean;
  /** x264 preset (default medium). */
  preset?: string;
}

export interface StitchResult {
  outFile: string;
  durationSec: number;
  sha256: string;
  sizeBytes: number;
  target: StitchTarget;
}

export const DEFAULT_CROSSFADE_SEC = 0.25;

export class Stitcher {
  constructor(private readonly deps: { runner: FfmpegRunner; store: MediaStore; logger: Logger }) {}

  async stitch(artifacts: readonly ReleaseArtifact[], outFile: string, opts: StitchOptions = {}): Promise<StitchResult> {
    if (artifacts.length === 0) throw new AppError('VALIDATION', 'Nothing to stitch: the project has no finals yet. Finalize at least one take.', { field: 'artifacts' });
    // Runtime guard as well as the type: a preview never reaches a sequence.
    const finals: ReleaseArtifact[] = [];
    for (const a of artifacts) finals.push(await this.deps.store.getRelease(requireRelease(a, 'Stitch').id));
    const out = resolve(outFile);
    const d = opts.crossfadeSec ?? DEFAULT_CROSSFADE_SEC;
    if (!(d >= 0 && d <= 5)) throw new AppError('VALIDATION', `crossfadeSec must be from 0 to 5 seconds (got ${d}).`, { field: 'crossfadeSec' });
    if (existsSync(out) && !opts.overwrite) {
      throw new AppError('CONFLICT', `${out} already exists. Pick another file name, or remove it first.`, { field: 'outFile' });
    }
    const outDir = dirname(out);
    const dirStat = await stat(outDir).catch((e: unknown) => {
      throw ioError(e, `write into ${outDir}`, outDir);
    });
    if (!dirStat.isDirectory()) throw new AppError('VALIDATION', `${outDir} is not a folder.`, { field: 'outFile' });
    // ffmpeg reads files: clips in a bucket come through the store's bounded cache, held until done.
    return this.deps.store.withLocalFiles(finals, (files) => this.stitchFiles(finals, files, out, d, opts));
  }

  private async stitchFiles(finals: readonly ReleaseArtifact[], files: string[], out: string, d: number, opts: StitchOptions): Promise<StitchResult> {
    const outDir = dirname(out);
    const probes = await Promise.all(files.map((f) => probeFile(this.deps.runner, f, opts.signal)));
    const clips: StitchClip[] = probes.map((p, i) => toClip(p, files[i]!, finals[i]!.id));
    const shortest = Math.min(...clips.map((c) => c.durationSec));
    if (clips.length > 1 && d * 2 >= shortest) {
      throw new AppError('VALIDATION', `A ${d} s crossfade is too long for a ${shortest.toFixed(2)} s clip; use at most ${(shortest / 2).toFixed(2)} s.`, { field: 'crossfadeSec' });
    }
    const first = probes[0]!.video!;
    const target: StitchTarget = {
      width: opts.target?.width ?? even(first.width),
      height: opts.target?.height ?? even(first.height),
      fps: opts.target?.fps ?? roundFps(first.fps ?? 24),
      sampleRate: opts.target?.sampleRate ?? 48000,
    };
    const total = stitchedDuration(clips, clips.length > 1 ? d : 0);
    const tmp = tempNameIn(outDir, `.${basename(out)}`);
    let lastEmit = 0;
    try {
      await this.deps.runner.run({
        args: stitchArgs({ clips, target, crossfadeSec: clips.length > 1 ? d : 0, outFile: tmp, ...(opts.preset ? { preset: opts.preset } : {}) }),
        purpose: 'stitch',
        timeoutMs: Math.max(10 * 60_000, total * 60_000),
        onProgress: (b) => {
          const now = Date.now();
          if (!opts.onProgress || b.isEnd || now - lastEmit < 100) return;
          lastEmit = now;
          opts.onProgress(progressFraction(b, total));
        },
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      await rename(tmp, out).catch((e: unknown) => {
        throw ioError(e, `move the sequence to ${out}`, outDir);
      });
      await fsyncDir(outDir);
    } catch (e) {
      await rm(tmp, { force: true }).catch((err: unknown) => this.deps.logger.log('warn', 'could not remove a partial sequence', { error: String(err) }));
      if (e instanceof AppError && e.code === 'FFMPEG_FAILED' && /No space left/i.test(String(e.details?.stderrTail ?? ''))) {
        throw ioError(Object.assign(new Error('disk full'), { code: 'ENOSPC' }), `write the sequence into ${outDir}`, outDir);
      }
      throw e;
    }
    opts.onProgress?.(1);
    const size = (await stat(out)).size;
    const sha256 = await sha256File(out);
    this.deps.logger.log('info', 'sequence stitched', { clips: clips.length, durationSec: total, sha256 });
    return { outFile: out, durationSec: total, sha256, sizeBytes: size, target };
  }
}

function toClip(p: ProbeInfo, file: string, id: string): StitchClip {
  if (!p.video) throw new AppError('MEDIA_UNSUPPORTED', `${id} has no video stream; it cannot be stitched.`, { id });
  const fps = p.video.fps;
  const dur = p.video.durationSec ?? (p.video.frameCount && fps ? p.video.frameCount / fps : null) ?? p.durationSec;
  if (!dur || dur <= 0) throw new AppError('MEDIA_UNSUPPORTED', `${id} has no readable duration; it cannot be stitched.`, { id });
  return { file, durationSec: dur, hasAudio: p.audio !== null };
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** Frame rate rounded to 3 decimals (23.976…, 29.97, 24). */
function roundFps(f: number): number {
  return Math.round(f * 1000) / 1000;
}
