import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckReport } from '../../../../shared/contract/media';
import { AppError, isAppError } from '../../../../shared/errors';
import type { Logger } from '../../ports';
import { checkArgs, fileArg } from '../ffmpeg/args';
import { probeFile, type ProbeInfo } from '../ffmpeg/probe';
import type { FfmpegRunner } from '../ffmpeg/runner';
import { Limiter } from '../limiter';
import { loadWatermark, planWatermarkCrop, type LoadedWatermark, type WatermarkSpec } from '../watermark';
import { isInterestingLine, parseDetectorLog, type DetectorLog } from './checkLog';
import { resolveThresholds, type CheckExpectations } from './expectations';
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
 * Per clip: ffprobe reads the header (a few ms, outside the pool), then one ffmpeg process decodes every
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
  /** Decoder threads per ffmpeg (0 = ffmpeg decides). */
  threads?: number;
  timeoutMs?: number;
  tmpDir?: string;
}

export class AutoChecker {
  private readonly pool: Limiter;
  private readonly watermarks = new Map<string, Promise<LoadedWatermark>>();

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

    let probe: ProbeInfo;
    try {
      probe = await probeFile(this.opts.runner, file, signal);
    } catch (e) {
      if (isAppError(e) && e.code === 'MEDIA_UNSUPPORTED') return buildReport({ ...empty, unreadable: e.message.replace(/\.$/, '') }, expectations, thresholds);
      throw e;
    }
    if (!probe.video) {
      const why = probe.audio ? `no video stream (audio only, ${probe.audio.codec})` : `no video stream (${probe.formatName})`;
      return buildReport({ ...empty, probe, unreadable: why }, expectations, thresholds);
    }

    const wm = await this.watermark(expectations.watermark ?? this.opts.defaultWatermark);
    const plan = planWatermarkCrop(wm, probe.video);
    return this.pool.run(async () => {
      const work = await mkdtemp(join(this.opts.tmpDir ?? tmpdir(), 'ct-check-'));
      try {
        const cropFile = join(work, 'watermark.gray');
        const lines: string[] = [];
        const result = await this.opts.runner.run({
          args: checkArgs({
            file,
            detectors: thresholds,
            hasAudio: probe.audio !== null,
            ...(plan ? { watermarkCrop: { box: plan.crop, outWidth: plan.outWidth, outHeight: plan.outHeight, file: cropFile } } : {}),
            skipLoopFilter: this.opts.skipLoopFilter ?? true,
            threads: this.opts.threads ?? 0,
          }),
          purpose: 'check',
          allowFailure: true,
          timeoutMs: this.opts.timeoutMs ?? Math.max(120_000, (probe.durationSec ?? 60) * 20_000),
          onProgress: () => undefined,
          onStderrLine: (l) => {
            if (isInterestingLine(l) && lines.length < 10_000) lines.push(l);
          },
          ...(signal ? { signal } : {}),
        });
        let watermark: CheckObservations['watermark'];
        if (!plan) watermark = { skipped: `the frame (${probe.video!.width}x${probe.video!.height}) is smaller than the ${wm.width}x${wm.height} watermark` };
        else {
          const raw = await readFile(cropFile).catch(() => Buffer.alloc(0));
          const s = scoreFrames(raw, plan.outWidth, plan.outHeight, plan.template, plan.expected, plan.radius);
          watermark = s.frames > 0 ? { score: s.score, frames: s.frames } : null;
        }
        const last = result.lastProgress;
        return buildReport(
          {
            unreadable: null,
            probe,
            decode: { isComplete: result.exitCode === 0 && last?.isEnd === true, frames: last?.frame ?? null, outTimeSec: last?.outTimeSec ?? null },
            log: withoutPath(parseDetectorLog(lines), file),
            watermark,
          },
          expectations,
          thresholds,
        );
      } finally {
        await rm(work, { recursive: true, force: true }).catch((e: unknown) => this.opts.logger.log('warn', 'could not remove a check temp folder', { error: String(e) }));
      }
    }, signal);
  }

  private watermark(spec: WatermarkSpec): Promise<LoadedWatermark> {
    const key = `${spec.imageFile}|${spec.corner}|${spec.marginPx}`;
    let p = this.watermarks.get(key);
    if (!p) {
      p = loadWatermark(spec);
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
