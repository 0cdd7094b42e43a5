import { spawn, type ChildProcess } from 'node:child_process';
import { AppError } from '../../../../shared/errors';
import type { Logger } from '../../ports';
import { escapeCommandLine } from './args';
import { FFMPEG_FIX, resolveBinary, type BinaryName } from './binaries';
import { feedProgress, initialProgress, type ProgressBlock } from './progress';

/**
 * FfmpegRunner — THE ONLY PLACE IN THE APP THAT SPAWNS ffmpeg or ffprobe. (Interface shared with the
 * job queue and the local provider: keep it stable.)
 *
 *   const r = await runner.run({ args: [...], purpose: 'render', signal, timeoutMs, onProgress });
 *
 * - Binary paths come from config (`ffmpegPath`/`ffprobePath`; `fromConfig` falls back to the
 *   binaries.ts chain). A missing binary fails the run with FFMPEG_FAILED and the install hint.
 * - `signal` aborts: SIGTERM, then SIGKILL after `killGraceMs`; the promise rejects with CANCELLED.
 * - `timeoutMs` (default 10 min) stops the same way and rejects with FFMPEG_FAILED ("took longer than").
 * - A non-zero exit rejects with FFMPEG_FAILED carrying the stderr tail and the exit code, unless
 *   `allowFailure` is set (the checker turns a failed decode into a verdict, not an error).
 * - `onProgress` receives parsed `-progress pipe:1` blocks (put `-progress pipe:1 -nostats` in args);
 *   `onStderrLine` receives every stderr line; `collectStdout` keeps stdout (ffprobe JSON).
 * - Every command line is logged, shell-escaped, with its purpose (paths hold ids and dates only).
 * - Live processes are tracked; `dispose()` stops them all and refuses new runs.
 */
export interface FfmpegRunnerOptions {
  ffmpegPath: string | null;
  ffprobePath: string | null;
  logger: Logger;
  defaultTimeoutMs?: number;
  killGraceMs?: number;
}

export interface RunRequest {
  args: readonly string[];
  /** Which binary; default ffmpeg. */
  tool?: BinaryName;
  /** What the run is for, in logs and errors ("check", "stitch", "render"). Never prompt text. */
  purpose: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  onProgress?: (block: ProgressBlock) => void;
  onStderrLine?: (line: string) => void;
  collectStdout?: boolean;
  allowFailure?: boolean;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  /** The last lines of stderr (about 8 KB). */
  stderrTail: string;
  lastProgress: ProgressBlock | null;
  elapsedMs: number;
}

const TAIL_BYTES = 8 * 1024;
const MAX_STDOUT = 16 * 1024 * 1024;

interface Live {
  child: ChildProcess;
  stop(reason: 'abort' | 'timeout' | 'dispose'): void;
  closed: Promise<void>;
}

export class FfmpegRunner {
  private readonly live = new Set<Live>();
  private isDisposed = false;

  constructor(private readonly opts: FfmpegRunnerOptions) {}

  /** Paths from config, else the binaries.ts fallback chain. */
  static fromConfig(config: { ffmpegPath?: string; ffprobePath?: string }, logger: Logger, env: NodeJS.ProcessEnv = process.env): FfmpegRunner {
    return new FfmpegRunner({
      ffmpegPath: config.ffmpegPath ?? resolveBinary('ffmpeg', env)?.path ?? null,
      ffprobePath: config.ffprobePath ?? resolveBinary('ffprobe', env)?.path ?? null,
      logger,
    });
  }

  pathOf(tool: BinaryName): string | null {
    return tool === 'ffmpeg' ? this.opts.ffmpegPath : this.opts.ffprobePath;
  }

  get liveCount(): number {
    return this.live.size;
  }

  run(req: RunRequest): Promise<RunResult> {
    const tool = req.tool ?? 'ffmpeg';
    const bin = this.pathOf(tool);
    if (this.isDisposed) return Promise.reject(new AppError('CANCELLED', `${tool} was not started: Circle Take is shutting down.`));
    if (!bin) return Promise.reject(new AppError('FFMPEG_FAILED', `${tool} is not installed. ${FFMPEG_FIX}`, { tool, reason: 'not-found' }));
    if (req.signal?.aborted) return Promise.reject(cancelled(tool, req.purpose));

    const started = Date.now();
    const timeoutMs = req.timeoutMs ?? this.opts.defaultTimeoutMs ?? 10 * 60_000;
    const grace = this.opts.killGraceMs ?? 2000;
    const command = escapeCommandLine([bin, ...req.args]);
    this.opts.logger.log('info', `${tool} start`, { purpose: req.purpose, cmd: command });

    return new Promise<RunResult>((resolve, reject) => {
      const child = spawn(bin, [...req.args], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
      let stopReason: 'abort' | 'timeout' | 'dispose' | null = null;
      let killTimer: NodeJS.Timeout | undefined;
      let stdout = '';
      let progress = initialProgress;
      let lastProgress: ProgressBlock | null = null;
      let tail = '';
      let partial = '';
      let spawnError: Error | null = null;
      let closeResolve!: () => void;
      const closed = new Promise<void>((r) => (closeResolve = r));

      const entry: Live = {
        child,
        closed,
        stop: (reason) => {
          if (stopReason !== null || child.exitCode !== null || child.signalCode !== null) return;
          stopReason = reason;
          child.kill('SIGTERM');
          killTimer = setTimeout(() => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          }, grace);
          killTimer.unref?.();
        },
      };
      this.live.add(entry);

      const onAbort = () => entry.stop('abort');
      req.signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => entry.stop('timeout'), timeoutMs);
      timer.unref?.();

      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        if (req.onProgress) {
          const r = feedProgress(progress, chunk);
          progress = r.state;
          for (const b of r.blocks) {
            lastProgress = b;
            try {
              req.onProgress(b);
            } catch (e) {
              this.opts.logger.log('error', 'progress listener threw', { purpose: req.purpose, error: String(e) });
            }
          }
        } else if (req.collectStdout && stdout.length < MAX_STDOUT) {
          stdout += chunk;
        }
      });

      const emitLine = (line: string) => {
        if (!req.onStderrLine) return;
        try {
          req.onStderrLine(line);
        } catch (e) {
          this.opts.logger.log('error', 'stderr listener threw', { purpose: req.purpose, error: String(e) });
        }
      };
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        tail = (tail + chunk).slice(-TAIL_BYTES);
        const lines = (partial + chunk).split(/\r?\n|\r/);
        partial = lines.pop() ?? '';
        for (const l of lines) if (l.length > 0) emitLine(l);
      });

      child.once('error', (e) => {
        spawnError = e;
      });

      child.once('close', (code, signal) => {
        if (partial.length > 0) emitLine(partial);
        clearTimeout(timer);
        if (killTimer) clearTimeout(killTimer);
        req.signal?.removeEventListener('abort', onAbort);
        this.live.delete(entry);
        closeResolve();
        const elapsedMs = Date.now() - started;
        const exitCode = code ?? (signal ? 128 : 1);
        const result: RunResult = { exitCode, stdout, stderrTail: tail, lastProgress, elapsedMs };

        // Aborted, or stopped by the same Ctrl-C (a terminal signals ffmpeg too): cancelled, not failed.
        if (stopReason === 'abort' || stopReason === 'dispose' || (stopReason === null && req.signal?.aborted === true)) {
          this.opts.logger.log('info', `${tool} stopped`, { purpose: req.purpose, reason: stopReason, elapsedMs });
          return reject(cancelled(tool, req.purpose, stopReason ?? 'abort'));
        }
        if (stopReason === 'timeout') {
          this.opts.logger.log('warn', `${tool} timed out`, { purpose: req.purpose, timeoutMs, cmd: command });
          return reject(
            new AppError('FFMPEG_FAILED', `${tool} took longer than ${Math.round(timeoutMs / 1000)} s (${req.purpose}) and was stopped.`, {
              tool,
              purpose: req.purpose,
              reason: 'timeout',
              timeoutMs,
              stderrTail: tailLines(tail, 20),
            }),
          );
        }
        if (spawnError) {
          return reject(
            new AppError('FFMPEG_FAILED', `Could not start ${tool} at ${bin} (${spawnError.message}). ${FFMPEG_FIX}`, { tool, reason: 'spawn' }, { cause: spawnError }),
          );
        }
        if (exitCode !== 0 && !req.allowFailure) {
          this.opts.logger.log('warn', `${tool} failed`, { purpose: req.purpose, exitCode, cmd: command, stderrTail: tailLines(tail, 8) });
          return reject(
            new AppError('FFMPEG_FAILED', `${tool} failed (${req.purpose}, exit ${exitCode}): ${summarizeStderr(tail)}`, {
              tool,
              purpose: req.purpose,
              exitCode,
              stderrTail: tailLines(tail, 20),
            }),
          );
        }
        this.opts.logger.log('debug', `${tool} done`, { purpose: req.purpose, exitCode, elapsedMs });
        resolve(result);
      });
    });
  }

  /** Stops every live process (SIGTERM, then SIGKILL) and refuses new runs. */
  async dispose(): Promise<void> {
    this.isDisposed = true;
    const all = [...this.live];
    for (const p of all) p.stop('dispose');
    await Promise.all(all.map((p) => p.closed));
  }
}

function cancelled(tool: string, purpose: string, reason: 'abort' | 'dispose' = 'abort'): AppError {
  return new AppError('CANCELLED', reason === 'dispose' ? `${tool} (${purpose}) was stopped: Circle Take is shutting down.` : `${tool} (${purpose}) was cancelled.`, {
    tool,
    purpose,
  });
}

export function tailLines(text: string, n: number): string {
  return text.split(/\r?\n|\r/).filter((l) => l.trim().length > 0).slice(-n).join('\n');
}

/**
 * The most telling line of a failed run: the last line ffmpeg tagged error/fatal/panic (with
 * `-loglevel level+…`), else the last non-empty line that is not the generic "Conversion failed!".
 */
export function summarizeStderr(tail: string): string {
  const lines = tail.split(/\r?\n|\r/).map((l) => l.trim()).filter(Boolean);
  const tagged = lines.filter((l) => /\[(error|fatal|panic)\]/.test(l));
  const pick = tagged[tagged.length - 1] ?? lines.filter((l) => !/^(\[\w+\]\s*)?Conversion failed!?$/.test(l)).pop() ?? lines.pop();
  return pick ? pick.replace(/^(\[[^\]]+ @ 0x[0-9a-f]+\]\s*)?\[(error|fatal|panic|warning|info)\]\s*/, '') : 'no output';
}
