import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckReport } from '../../../../shared/contract/media';
import { AppError, isAppError } from '../../../../shared/errors';
import type { Logger } from '../../ports';
import { checkArgs, fileArg } from '../ffmpeg/args';
import { probeFile } from '../ffmpeg/probe';
import type { FfmpegRunner, RunResult } from '../ffmpeg/runner';
import { Limiter } from '../limiter';
import { loadWatermark, matchPlan, watermarkCrop, type LoadedWatermark, type WatermarkCrop, type WatermarkSpec } from '../watermark';
import { isInterestingLine, parseDetectorLog, type DetectorLog } from './checkLog';
import { resolveThresholds, type CheckExpectations, type CheckThresholds } from './expectations';
import { scoreFrames } from './templateMatch';
import { buildReport, type CheckObservations } from './verdicts';

/**
 * AutoChecker — judges one clip with ONE decode pass. (Interface shared with the job queue: keep it stable.)
 *
 *   const report = await checker.check(file, { durationSec: 5, resolution: { width: 912, height: 512 },
 *                                              artifactClass: 'preview', audio: true }, signal);
 *
 * Returns exactly the `circletake check --json` object: { ok, checks: [decode, duration, resolution,
 * black, freeze, audio, watermark] }. A bad clip is a verdict (ok: false), never an exception; it
 * throws only for a missing path (NOT_FOUND), a folder (VALIDATION), no ffmpeg or a timeout
 * (FFMPEG_FAILED), or cancellation (CANCELLED).
 *
 * Per clip: ffprobe reads the header (a few ms, outside the pool) while one ffmpeg process decodes every
 * frame with blackdetect + freezedetect, volumedetect on the audio, and a 1-fps crop of the watermark
 * corner for the template matcher. At most `concurrency` decodes run at once (default: the core count).
 */
export interface AutoCheckerOptions {
  runner: FfmpegRunner;
  logger: Logger;
  /** The bundled preview watermark (a registered one can be passed per check in expectations). */
  defaultWatermark: WatermarkSpec;
  concurrency?: number;
  /** Skip H.264 deblocking during the check (default true: ~10 % faster, same verdicts). */
  skipLoopFilter?: boolean;
  /** Decoder threads per ffmpeg (0 = ffmpeg decides). Default: ffmpeg decides when a clip runs alone, 1 in a batch. */
  threads?: number;
  timeoutMs?: number;
  tmpDir?: string;
}

export class AutoChecker {
  private readonly pool: Limiter;
  private readonly watermarks = new Map<string, Promise<{ wm: LoadedWatermark; crop: WatermarkCrop }>>();

  constructor(private readonly opts: AutoCheckerOptions) {
    this.pool = new Limiter(opts.concurrency ?? Math.max(1, availableParallelism()));
  }

  get concurrency(): number {
    return this.pool.size;
  }

  async check(file: string, expectations: CheckExpectations = {}, signal?: AbortSignal): Promise<CheckReport> {
    const thresholds = resolveThresholds(expectations.thresholds);
    const size = await fileSize(file);
    const empty: CheckObservations = { unreadable: null, probe: null, decode: null, log: null, watermark: null };
    if (size === 0) return buildReport({ ...empty, unreadable: 'the file is empty (0 bytes)' }, expectations, thresholds);
    const { wm, crop } = await this.watermark(expectations.watermark ?? this.opts.defaultWatermark);

    // The probe (header only, a few ms) and the decode start together; the decode needs nothing from the
    // probe (audio is mapped if present, the crop is an expression of the frame size). When the probe says
    // the file is not a video, the decode is stopped.
    const inner = new AbortController();
    const forward = () => inner.abort();
    signal?.addEventListener('abort', forward, { once: true });
    try {
      const probing = probeFile(this.opts.runner, file, inner.signal).then(
        (p) => ({ p, e: null }),
        (e: unknown) => ({ p: null, e }),
      );
      const decoding = this.pool.run(() => this.decode(file, crop, thresholds, inner.signal), inner.signal);
      // The decode may end (cancelled) while the probe is still out; it is awaited below, but until then
      // nothing handles it, and a rejection nobody handles yet is reported as unhandled. Mark it handled.
      decoding.catch(() => undefined);
      const probed = await probing;
      const unreadable =
        probed.p === null
          ? isAppError(probed.e) && probed.e.code === 'MEDIA_UNSUPPORTED'
            ? probed.e.message.replace(/\.$/, '')
            : null
          : probed.p.video === null
            ? probed.p.audio
              ? `no video stream (audio only, ${probed.p.audio.codec})`
              : `no video stream (${probed.p.formatName})`
            : null;
      if (probed.p === null || unreadable !== null) {
        inner.abort();
        await decoding.catch(() => undefined); // stopped on purpose
        if (signal?.aborted) throw new AppError('CANCELLED', 'The check was cancelled.');
        if (unreadable === null) throw probed.e;
        return buildReport({ ...empty, ...(probed.p ? { probe: probed.p } : {}), unreadable }, expectations, thresholds);
      }
      const probe = probed.p;
      const d = await decoding;
      const plan = matchPlan(wm, crop, probe.video!);
      let watermark: CheckObservations['watermark'];
      if (!plan) watermark = { skipped: `the frame (${probe.video!.width}x${probe.video!.height}) is too small for the ${wm.width}x${wm.height} watermark` };
      else {
        const s = scoreFrames(d.cropRaw, crop.outWidth, crop.outHeight, crop.template, plan.expected, plan.radius);
        watermark = s.frames > 0 ? { score: s.score, frames: s.frames } : null;
      }
      const last = d.result.lastProgress;
      return buildReport(
        {
          unreadable: null,
          probe,
          decode: { isComplete: d.result.exitCode === 0 && last?.isEnd === true, frames: last?.frame ?? null, outTimeSec: last?.outTimeSec ?? null },
          log: withoutPath(parseDetectorLog(d.lines), file),
          watermark,
        },
        expectations,
        thresholds,
      );
    } finally {
      signal?.removeEventListener('abort', forward);
    }
  }

  /** The one decode pass: detectors, audio level and watermark samples. */
  private async decode(file: string, crop: WatermarkCrop, thresholds: CheckThresholds, signal: AbortSignal): Promise<{ result: RunResult; lines: string[]; cropRaw: Buffer }> {
    const work = await mkdtemp(join(this.opts.tmpDir ?? tmpdir(), 'ct-check-'));
    try {
      const cropFile = join(work, 'watermark.gray');
      const lines: string[] = [];
      const result = await this.opts.runner.run({
        args: checkArgs({
          file,
          detectors: thresholds,
          hasAudio: 'optional',
          watermarkCrop: { box: crop.expr, outWidth: crop.outWidth, outHeight: crop.outHeight, file: cropFile },
          skipLoopFilter: this.opts.skipLoopFilter ?? true,
          // Alone: let ffmpeg thread the decode for latency. In a batch: one thread each, one clip per
          // core, which spends less CPU on thread hand-offs (≈5–10 % here).
          threads: this.opts.threads ?? (this.pool.running + this.pool.queued > 1 ? 1 : 0),
        }),
        purpose: 'check',
        allowFailure: true,
        timeoutMs: this.opts.timeoutMs ?? 10 * 60_000,
        onProgress: () => undefined,
        onStderrLine: (l) => {
          if (isInterestingLine(l) && lines.length < 10_000) lines.push(l);
        },
        signal,
      });
      const cropRaw = await readFile(cropFile).catch(() => Buffer.alloc(0));
      return { result, lines, cropRaw };
    } finally {
      await rm(work, { recursive: true, force: true }).catch((e: unknown) => this.opts.logger.log('warn', 'could not remove a check temp folder', { error: String(e) }));
    }
  }

  private watermark(spec: WatermarkSpec): Promise<{ wm: LoadedWatermark; crop: WatermarkCrop }> {
    const key = `${spec.imageFile}|${spec.corner}|${spec.marginPx}`;
    let p = this.watermarks.get(key);
    if (!p) {
      p = loadWatermark(spec).then((wm) => ({ wm, crop: watermarkCrop(wm) }));
      p.catch(() => this.watermarks.delete(key));
      this.watermarks.set(key, p);
    }
    return p;
  }

  dispose(): void {
    this.pool.dispose();
  }
}

async function fileSize(file: string): Promise<number> {
  try {
    const s = await stat(file);
    if (s.isDirectory()) throw new AppError('VALIDATION', `${file} is a folder, not a video file. Pass the path of a clip.`, { field: 'file' });
    return s.size;
  } catch (e) {
    if (isAppError(e)) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError('NOT_FOUND', `No file at ${file}. Check the path.`, { field: 'file' });
    }
    throw new AppError('IO_FAILED', `Cannot read ${file} (${(e as Error).message}).`, { field: 'file' }, { cause: e });
  }
}

/** Error lines name the input as `file:/abs/path: …`; the report says "the file". */
function withoutPath(log: DetectorLog, file: string): DetectorLog {
  const prefix = `${fileArg(file)}: `;
  return { ...log, errors: log.errors.map((l) => l.split(prefix).join('')) };
}
