import { AppError, type ErrorCode } from '../../../shared/errors';
import type { GenerationParams } from '../../../shared/jobParams';
import type { ProviderId } from '../../../shared/money/params';

/**
 * One interface for every provider (local simulator, Runway, import). The queue turns a job with N
 * variations into N provider tasks and calls create() at most once per task intent; everything a
 * provider does after that is idempotent (get, cancel, download).
 */
export type TaskStatus = 'PENDING' | 'THROTTLED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface TaskRequest {
  jobId: string;
  /** 0-based variation index within the job. */
  variation: number;
  params: GenerationParams;
  /** A local image file already resolved from params.promptImage, when one was given. */
  promptImageFile?: string;
}

export interface CreateResult {
  taskId: string;
  /** The most the task can charge (Runway's estimatedCost.credits), when the provider says. */
  estimatedCredits: number | null;
}

export interface TaskState {
  status: TaskStatus;
  /** 0..1 while RUNNING. */
  progress?: number;
  /** Output locations (URLs, or file paths for local providers) when SUCCEEDED. */
  outputs?: string[];
  /** What the task finally cost (0 when refunded); null when the provider does not say. */
  costCredits?: number | null;
  failure?: string;
  failureCode?: string;
}

export interface AccountInfo {
  creditBalance: number | null;
  /** Per model: how many tasks may run at once, and per rolling day (null = unlimited / unknown). */
  limits: Record<string, { maxConcurrent: number | null; maxDaily: number | null; usedToday: number | null }>;
}

export interface Provider {
  readonly id: ProviderId;
  /** True for the local simulator: the UI labels its takes and balances as simulated. */
  readonly isSimulation: boolean;
  /** Throws AppError('VALIDATION') naming the field and the accepted values, before any request. */
  validate(params: GenerationParams): void;
  create(req: TaskRequest, signal: AbortSignal): Promise<CreateResult>;
  get(taskId: string, signal: AbortSignal): Promise<TaskState>;
  cancel(taskId: string, signal: AbortSignal): Promise<void>;
  /** Copies one output into destFile (the caller owns temp naming and the rename). */
  download(output: string, destFile: string, signal: AbortSignal): Promise<void>;
  account?(signal: AbortSignal): Promise<AccountInfo>;
  dispose(): void;
}

/**
 * How the queue may react to a failed provider call:
 * - 'retry': safe to try again after a backoff (e.g. 429/5xx on a GET, or a create that provably never left the machine);
 * - 'fatal': do not retry (validation, auth, moderation) — fail the job;
 * - 'unknown': a create whose outcome is unknown (timeout/5xx after sending) — hold the job as UNKNOWN with its reservation.
 */
export type RetryVerdict = 'retry' | 'fatal' | 'unknown';

export class ProviderCallError extends AppError {
  override name = 'ProviderCallError';
  readonly verdict: RetryVerdict;
  readonly httpStatus: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** Counts against the circuit breaker (provider health), unlike a 4xx about our own input. */
  readonly isProviderFault: boolean;

  constructor(
    message: string,
    opts: { verdict: RetryVerdict; code?: ErrorCode; httpStatus?: number; retryAfterMs?: number; isProviderFault: boolean; details?: Record<string, unknown>; cause?: unknown },
  ) {
    super(opts.code ?? 'PROVIDER_FAILED', message, { ...opts.details, verdict: opts.verdict, httpStatus: opts.httpStatus }, { cause: opts.cause });
    this.verdict = opts.verdict;
    this.httpStatus = opts.httpStatus;
    this.retryAfterMs = opts.retryAfterMs;
    this.isProviderFault = opts.isProviderFault;
  }
}
