import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizePrompt } from '../../../../shared/canonical';
import { AppError } from '../../../../shared/errors';
import type { GenerationParams } from '../../../../shared/jobParams';
import type { Clock, Logger } from '../../ports';
import { ProviderCallError, type AccountInfo, type CreateResult, type Provider, type TaskRequest, type TaskState, type TaskStatus } from '../provider';
import { pictureHash, sizeOfRatio, syntheticClipArgs } from './renderArgs';

/** Runs an ffmpeg argument list to completion (the media runner), reporting progress as a fraction. */
export type RenderFn = (args: string[], opts: { signal: AbortSignal; durationSec: number; onProgress(fraction: number): void }) => Promise<void>;

/** How the simulator behaves: queue time, throttling and failures are configurable. */
export interface LocalSimConfig {
  /** Time a task waits as PENDING before it renders, ms. */
  queueMs: number;
  /** Chance a task first sits THROTTLED (as Runway does over its concurrency limit). */
  throttleRate: number;
  throttleMs: number;
  /** Chance a finished render is reported FAILED instead (refunded: cost 0). */
  failureRate: number;
  failureCode: string;
  /** Chance create() itself is refused with a 429 (nothing created). */
  rateLimitRate: number;
  /** Renders at once; more wait as THROTTLED. */
  maxConcurrent: number;
  fps: number;
}

export const DEFAULT_SIM: LocalSimConfig = {
  queueMs: 300,
  throttleRate: 0,
  throttleMs: 500,
  failureRate: 0,
  failureCode: 'INTERNAL.BAD_OUTPUT.CODE01',
  rateLimitRate: 0,
  maxConcurrent: 2,
  fps: 24,
};

interface LocalTask {
  id: string;
  status: TaskStatus;
  createdAt: number;
  startAt: number;
  progress: number;
  params: Omit<GenerationParams, 'prompt' | 'negativePrompt'> & { pictureHash: string };
  credits: number;
  output: string | null;
  failureCode: string | null;
  willFail: boolean;
}

export interface LocalProviderDeps {
  dataDir: string;
  render: RenderFn;
  /** Credits one variation of these params costs on the simulated pool (from the rate card). */
  priceOne(params: GenerationParams): number;
  /** The simulated pool's balance, for credits_before/after. */
  balance(): Promise<number | null>;
  watermark: { file: string; filter: string } | null;
  clock: Clock;
  logger: Logger;
  config?: Partial<LocalSimConfig>;
  random?: () => number;
}

/**
 * The default provider: no account needed. Renders real H.264 clips with ffmpeg, burns the watermark
 * into previews, simulates queueing, throttling and failures, and keeps its tasks on disk so a restart
 * resumes them like a remote provider would. Prompts never reach its files: only a picture hash.
 */
export class LocalProvider implements Provider {
  readonly id = 'local' as const;
  readonly isSimulation = true;
  private readonly dir: string;
  private readonly cfg: LocalSimConfig;
  private readonly renders = new Map<string, AbortController>();
  private readonly rnd: () => number;

  constructor(private readonly d: LocalProviderDeps) {
    this.dir = join(d.dataDir, 'local-provider');
    mkdirSync(join(this.dir, 'tasks'), { recursive: true });
    mkdirSync(join(this.dir, 'outputs'), { recursive: true });
    this.cfg = { ...DEFAULT_SIM, ...readSimConfig(this.dir), ...d.config };
    this.rnd = d.random ?? Math.random;
  }

  validate(params: GenerationParams): void {
    if (params.durationSec === undefined) throw new AppError('VALIDATION', 'durationSec: the simulator renders video; give a duration in seconds (1–60).', { field: 'durationSec' });
    if (params.durationSec > 60) throw new AppError('VALIDATION', 'durationSec: the simulator renders at most 60 s per clip; split longer shots.', { field: 'durationSec' });
    if (params.ratio) {
      const [w, h] = params.ratio.split(':').map(Number) as [number, number];
      if (w < 64 || h < 64) throw new AppError('VALIDATION', 'ratio: each side must be at least 64 pixels (e.g. "1280:720").', { field: 'ratio' });
    }
  }

  async create(req: TaskRequest, _signal: AbortSignal): Promise<CreateResult> {
    if (this.rnd() < this.cfg.rateLimitRate) {
      throw new ProviderCallError('The simulator refused the request (429, simulated rate limit).', { verdict: 'retry', httpStatus: 429, retryAfterMs: 200, isProviderFault: true });
    }
    const now = this.d.clock.now();
    const { prompt, negativePrompt: _n, ...clear } = req.params;
    const throttled = this.rnd() < this.cfg.throttleRate;
    // Without a seed the simulator still varies each variation, reproducibly per job.
    const seed = req.params.seed ?? simulatorSeed(req.jobId, req.variation);
    const task: LocalTask = {
      id: randomUUID(),
      status: throttled ? 'THROTTLED' : 'PENDING',
      createdAt: now,
      startAt: now + this.cfg.queueMs + (throttled ? this.cfg.throttleMs : 0),
      progress: 0,
      params: { ...clear, seed: seed, pictureHash: pictureHash({ prompt: normalizePrompt(prompt), model: req.params.model, seed }) },
      credits: this.d.priceOne(req.params),
      output: null,
      failureCode: null,
      willFail: this.rnd() < this.cfg.failureRate,
    };
    this.save(task);
    return { taskId: task.id, estimatedCredits: task.credits };
  }

  async get(taskId: string): Promise<TaskState> {
    const task = this.load(taskId);
    const now = this.d.clock.now();
    if ((task.status === 'PENDING' || task.status === 'THROTTLED') && now >= task.startAt) {
      if (this.renders.size >= this.cfg.maxConcurrent) {
        task.status = 'THROTTLED';
      } else {
        task.status = 'RUNNING';
        this.startRender(task);
      }
      this.save(task);
    } else if (task.status === 'RUNNING' && !this.renders.has(task.id)) {
      // The app restarted mid-render: the simulator starts that render again, as a provider would recover.
      this.startRender(task);
    }
    return this.stateOf(task);
  }

  async cancel(taskId: string): Promise<void> {
    const task = this.load(taskId);
    if (task.status === 'SUCCEEDED' || task.status === 'FAILED' || task.status === 'CANCELLED') return;
    this.renders.get(taskId)?.abort();
    // Like the web app: cancelled while rendering is not refunded; cancelled while waiting costs nothing.
    if (task.status !== 'RUNNING') task.credits = 0;
    task.status = 'CANCELLED';
    this.save(task);
  }

  async download(output: string, destFile: string): Promise<void> {
    if (!output.startsWith(join(this.dir, 'outputs')) || !existsSync(output)) {
      throw new ProviderCallError(`The simulator has no output at ${output}.`, { verdict: 'fatal', isProviderFault: true });
    }
    copyFileSync(output, destFile);
  }

  async account(): Promise<AccountInfo> {
    return { creditBalance: await this.d.balance(), limits: {} };
  }

  dispose(): void {
    for (const c of this.renders.values()) c.abort();
    this.renders.clear();
  }

  private startRender(task: LocalTask): void {
    const ctl = new AbortController();
    this.renders.set(task.id, ctl);
    const out = join(this.dir, 'outputs', `${task.id}.mp4`);
    const tmp = `${out}.part`;
    const { width, height } = sizeOfRatio(task.params.ratio);
    const durationSec = task.params.durationSec ?? 5;
    const args = syntheticClipArgs({
      width, height, durationSec, fps: this.cfg.fps, promptHash: task.params.pictureHash, seed: task.params.seed ?? 0,
      hasAudio: task.params.audio, watermark: task.params.artifactClass === 'preview' ? this.d.watermark : null, outFile: tmp,
    });
    let lastSaved = 0;
    this.d
      .render(args, {
        signal: ctl.signal,
        durationSec,
        onProgress: (f) => {
          task.progress = Math.min(0.99, f);
          const now = this.d.clock.now();
          if (now - lastSaved > 250) {
            lastSaved = now;
            this.saveIfRunning(task);
          }
        },
      })
      .then(() => {
        const fresh = this.load(task.id);
        if (fresh.status !== 'RUNNING') return rmSync(tmp, { force: true });
        renameSync(tmp, out);
        if (task.willFail) {
          rmSync(out, { force: true });
          Object.assign(fresh, { status: 'FAILED', credits: 0, failureCode: this.cfg.failureCode, progress: 1 });
        } else Object.assign(fresh, { status: 'SUCCEEDED', output: out, progress: 1 });
        this.save(fresh);
      })
      .catch((e: unknown) => {
        rmSync(tmp, { force: true });
        const fresh = this.load(task.id);
        if (fresh.status !== 'RUNNING') return;
        this.d.logger.log('error', 'simulator render failed', { taskId: task.id, error: (e as Error).message });
        Object.assign(fresh, { status: 'FAILED', credits: 0, failureCode: 'INTERNAL.RENDER', progress: 1 });
        this.save(fresh);
      })
      // The handlers above read and write the task file; one gone (a data dir removed while a render was
      // stopping) must be logged, not left to reject unhandled: nobody awaits this chain.
      .catch((e: unknown) => this.d.logger.log('warn', 'simulator task not updated after its render', { taskId: task.id, error: (e as Error)?.message ?? String(e) }))
      .finally(() => this.renders.delete(task.id));
  }

  private stateOf(t: LocalTask): TaskState {
    const terminal = t.status === 'SUCCEEDED' || t.status === 'FAILED' || t.status === 'CANCELLED';
    return {
      status: t.status,
      progress: t.progress,
      ...(t.output && t.status === 'SUCCEEDED' ? { outputs: [t.output] } : {}),
      ...(terminal ? { costCredits: t.credits } : {}),
      ...(t.failureCode ? { failureCode: t.failureCode, failure: 'The simulator rejected this output (simulated failure).' } : {}),
    };
  }

  private file(id: string): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new ProviderCallError(`No simulator task ${id}.`, { verdict: 'fatal', httpStatus: 404, isProviderFault: false });
    return join(this.dir, 'tasks', `${id}.json`);
  }

  private load(id: string): LocalTask {
    const f = this.file(id);
    if (!existsSync(f)) throw new ProviderCallError(`No simulator task ${id}.`, { verdict: 'fatal', httpStatus: 404, isProviderFault: false });
    return JSON.parse(readFileSync(f, 'utf8')) as LocalTask;
  }

  private save(t: LocalTask): void {
    const f = this.file(t.id);
    writeFileSync(`${f}.tmp`, JSON.stringify(t));
    renameSync(`${f}.tmp`, f);
  }

  private saveIfRunning(t: LocalTask): void {
    try {
      const fresh = this.load(t.id);
      if (fresh.status === 'RUNNING') this.save({ ...fresh, progress: t.progress });
    } catch (e) {
      this.d.logger.log('warn', 'simulator progress not saved', { taskId: t.id, error: (e as Error).message });
    }
  }

  /** Number of task files (for tests and `doctor`). */
  taskCount(): number {
    return readdirSync(join(this.dir, 'tasks')).filter((f) => f.endsWith('.json')).length;
  }
}

/** Optional <dataDir>/local-provider/sim.json overrides (tests and demos use it to inject faults). */
function readSimConfig(dir: string): Partial<LocalSimConfig> {
  const f = join(dir, 'sim.json');
  if (!existsSync(f)) return {};
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as Partial<LocalSimConfig>;
  } catch (e) {
    throw new AppError('VALIDATION', `${f}: not valid JSON (${(e as Error).message}). Fix or delete it.`, { file: f }, { cause: e });
  }
}

/** The seed the simulator uses for variation n of a job that gave none (finalize reuses it to re-render the same picture). */
export function simulatorSeed(jobId: string, variation: number): number {
  return parseInt(createHash('sha256').update(`${jobId}:${variation}`).digest('hex').slice(0, 8), 16);
}
