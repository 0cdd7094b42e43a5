import RunwayML, { toFile } from '@runwayml/sdk';
import { AppError } from '../../../../shared/errors';
import type { GenerationParams } from '../../../../shared/jobParams';
import type { Clock, Logger } from '../../ports';
import { ProviderCallError, type AccountInfo, type CreateResult, type Provider, type TaskRequest, type TaskState } from '../provider';
import { downloadOutput } from './downloadOutput';
import { RUNWAY_KEY_PATTERN, type KeySource } from './keySource';
import { readLocalImage } from './promptImage';
import { buildRunwayBody } from './runwayBody';
import { classifyRunwayError, type RunwayOp } from './runwayErrors';
import { toAccountInfo, toTaskState } from './runwayMapping';
import { planRunwayRequest } from './runwayValidate';

export const RUNWAY_DEFAULT_BASE_URL = 'https://api.dev.runwayml.com';

export interface RunwayProviderOptions {
  keySource: KeySource;
  logger: Logger;
  clock: Clock;
  /** Defaults to env.RUNWAYML_BASE_URL, then Runway's API host. */
  baseURL?: string;
  env?: NodeJS.ProcessEnv;
  /** Per attempt; no retries inside the SDK (the queue retries under the duplicate rule). */
  createTimeoutMs?: number;
  readTimeoutMs?: number;
  downloadTimeoutMs?: number;
  maxDownloadBytes?: number;
}

export interface UsageRange {
  /** YYYY-MM-DD, UTC. */
  startDate?: string;
  /** YYYY-MM-DD, UTC, exclusive. */
  beforeDate?: string;
}

const isLoopbackHttp = (base: string): boolean => {
  try {
    const u = new URL(base);
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
};

/**
 * Runway behind the Provider interface, over the official SDK, main process only. One SDK call per
 * method call: no SDK retries (maxRetries 0) and no waitForTaskOutput — the queue polls get().
 */
export class RunwayProvider implements Provider {
  readonly id = 'runway' as const;
  readonly isSimulation = false;
  readonly baseURL: string;
  private client: { key: string; sdk: RunwayML } | null = null;
  private readonly inflight = new Set<AbortController>();
  private isDisposed = false;
  private readonly createTimeoutMs: number;
  private readonly readTimeoutMs: number;

  constructor(private readonly opts: RunwayProviderOptions) {
    const env = opts.env ?? process.env;
    this.baseURL = (opts.baseURL ?? env.RUNWAYML_BASE_URL ?? RUNWAY_DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.createTimeoutMs = opts.createTimeoutMs ?? 30_000;
    this.readTimeoutMs = opts.readTimeoutMs ?? 20_000;
  }

  validate(params: GenerationParams): void {
    planRunwayRequest(params);
  }

  async create(req: TaskRequest, signal: AbortSignal): Promise<CreateResult> {
    const plan = planRunwayRequest(req.params);
    const started = this.opts.clock.now();
    return this.call('read', `preparing a ${plan.spec.model} task`, signal, async (sdk, key, callSignal) => {
      let imageUri: string | null = null;
      if (plan.image?.kind === 'url') imageUri = plan.image.url;
      else if (plan.image?.kind === 'file') {
        if (!req.promptImageFile) throw new AppError('INTERNAL', 'promptImage is a local file but the queue did not resolve it; refusing to send the job without its image.');
        imageUri = await this.imageUri(sdk, key, req.promptImageFile, callSignal);
      }
      const { endpoint, body } = buildRunwayBody(plan, req.params, imageUri);
      if (callSignal.aborted) throw new AppError('CANCELLED', 'Stopped before creating the Runway task.');
      const what = `creating a ${plan.spec.model} task`;
      let created: { id?: unknown; estimatedCost?: { credits?: unknown } };
      try {
        const options = { signal: callSignal, timeout: this.createTimeoutMs, maxRetries: 0 };
        created = endpoint === 'image_to_video' ? await sdk.imageToVideo.create(body, options) : await sdk.textToVideo.create(body, options);
      } catch (e) {
        const privateTexts = [req.params.prompt, req.params.negativePrompt];
        const err = classifyRunwayError(e, { op: 'create', secrets: [key], privateTexts, nowMs: this.opts.clock.now(), what });
        this.logFailure('runway.create.failed', err, { model: plan.spec.model, endpoint, jobId: req.jobId, variation: req.variation });
        throw err;
      }
      if (typeof created?.id !== 'string' || created.id === '') {
        throw new ProviderCallError('Runway accepted the task but its answer had no task id; the task may exist.', { verdict: 'unknown', isProviderFault: true });
      }
      const credits = created.estimatedCost?.credits;
      const estimatedCredits = typeof credits === 'number' && Number.isFinite(credits) ? credits : null;
      this.opts.logger.log('info', 'runway.task.created', { jobId: req.jobId, variation: req.variation, taskId: created.id, model: plan.spec.model, endpoint, estimatedCredits, latencyMs: this.opts.clock.now() - started });
      return { taskId: created.id, estimatedCredits };
    });
  }

  async get(taskId: string, signal: AbortSignal): Promise<TaskState> {
    return this.call('read', `reading task ${taskId}`, signal, async (sdk, _key, s) => toTaskState(await sdk.tasks.retrieve(taskId, { signal: s })));
  }

  /**
   * Cancels a task that is still queued or running. A finished task is left alone: DELETE would
   * delete it and its outputs, and the queue settles it from get(). A task Runway no longer has is
   * already gone.
   */
  async cancel(taskId: string, signal: AbortSignal): Promise<void> {
    await this.call('read', `cancelling task ${taskId}`, signal, async (sdk, _key, s) => {
      try {
        const t = toTaskState(await sdk.tasks.retrieve(taskId, { signal: s }));
        if (t.status === 'SUCCEEDED' || t.status === 'FAILED' || t.status === 'CANCELLED') return;
        await sdk.tasks.delete(taskId, { signal: s });
        this.opts.logger.log('info', 'runway.task.cancelled', { taskId });
      } catch (e) {
        if (e instanceof RunwayML.NotFoundError) return;
        throw e;
      }
    });
  }

  async download(output: string, destFile: string, signal: AbortSignal): Promise<void> {
    const linked = this.link(signal);
    try {
      const bytes = await downloadOutput(output, destFile, linked.signal, {
        allowLoopbackHttp: isLoopbackHttp(this.baseURL),
        timeoutMs: this.opts.downloadTimeoutMs ?? 10 * 60_000,
        maxBytes: this.opts.maxDownloadBytes ?? 4 * 1024 ** 3,
        nowMs: this.opts.clock.now(),
      });
      this.opts.logger.log('debug', 'runway.output.downloaded', { bytes });
    } finally {
      linked.done();
    }
  }

  async account(signal: AbortSignal): Promise<AccountInfo> {
    return this.call('read', 'reading the organization', signal, async (sdk, _key, s) => toAccountInfo(await sdk.organization.retrieve({ signal: s })));
  }

  /** Credits used per day and model, for reconciling the ledger against Runway. */
  async usage(range: UsageRange, signal: AbortSignal): Promise<RunwayML.OrganizationRetrieveUsageResponse> {
    return this.call('read', 'reading credit usage', signal, (sdk, _key, s) => sdk.organization.retrieveUsage(range, { signal: s }));
  }

  dispose(): void {
    this.isDisposed = true;
    for (const c of this.inflight) c.abort();
    this.inflight.clear();
    this.client = null;
  }

  private async imageUri(sdk: RunwayML, key: string, file: string, signal: AbortSignal): Promise<string> {
    const img = await readLocalImage(file);
    if (img.kind === 'data-uri') return img.uri;
    try {
      const up = await sdk.uploads.createEphemeral({ file: await toFile(img.bytes, img.filename, { type: img.type }) }, { signal, maxRetries: 0 });
      return up.uri;
    } catch (e) {
      // The upload is not a task: nothing is billed, so its failures follow the read rule.
      throw classifyRunwayError(e, { op: 'read', secrets: [key], nowMs: this.opts.clock.now(), what: 'uploading the prompt image' });
    }
  }

  /** Runs one SDK call with the key, a linked abort signal, and the error classification for `op`. */
  private async call<T>(op: RunwayOp, what: string, signal: AbortSignal, fn: (sdk: RunwayML, key: string, signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.isDisposed) throw new AppError('CANCELLED', 'The Runway provider was shut down.');
    if (signal.aborted) throw new AppError('CANCELLED', `Stopped before ${what}.`);
    const { sdk, key } = await this.sdk();
    const linked = this.link(signal);
    try {
      return await fn(sdk, key, linked.signal);
    } catch (e) {
      if (e instanceof AppError) throw e;
      const err = classifyRunwayError(e, { op, secrets: [key], nowMs: this.opts.clock.now(), what });
      this.logFailure('runway.call.failed', err, {});
      throw err;
    } finally {
      linked.done();
    }
  }

  private async sdk(): Promise<{ sdk: RunwayML; key: string }> {
    const key = await this.opts.keySource.getKey();
    if (!key) {
      throw new ProviderCallError('No Runway API key: add one in Settings, or set RUNWAYML_API_SECRET. The local simulator needs none.', { verdict: 'fatal', isProviderFault: false, details: { reason: 'no-key' } });
    }
    if (!RUNWAY_KEY_PATTERN.test(key)) {
      throw new ProviderCallError('The Runway API key does not look like one (key_ followed by 128 hex digits); paste the key again from the Runway developer portal.', { verdict: 'fatal', isProviderFault: false, details: { reason: 'malformed-key' } });
    }
    if (this.client?.key !== key) {
      this.client = { key, sdk: new RunwayML({ apiKey: key, baseURL: this.baseURL, maxRetries: 0, timeout: this.readTimeoutMs, logLevel: 'off' }) };
    }
    return { sdk: this.client.sdk, key };
  }

  private link(signal: AbortSignal): { signal: AbortSignal; done(): void } {
    const c = new AbortController();
    const onAbort = (): void => c.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) c.abort();
    this.inflight.add(c);
    return {
      signal: c.signal,
      done: () => {
        signal.removeEventListener('abort', onAbort);
        this.inflight.delete(c);
      },
    };
  }

  private logFailure(msg: string, err: AppError, fields: Record<string, unknown>): void {
    const verdict = err instanceof ProviderCallError ? err.verdict : undefined;
    const httpStatus = err instanceof ProviderCallError ? err.httpStatus : undefined;
    this.opts.logger.log('warn', msg, { ...fields, code: err.code, verdict, httpStatus, error: err.message });
  }
}
