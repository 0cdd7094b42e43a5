import { copyFileSync } from 'node:fs';
import { AppError } from '../../shared/errors';
import type { GenerationParams } from '../../shared/jobParams';
import { ProviderCallError, type AccountInfo, type CreateResult, type Provider, type TaskRequest, type TaskState, type TaskStatus } from '../../electron/core/providers/provider';

/** What one create call does: succeed (with a task script), or fail with a classified error. */
export type CreateStep =
  | { kind: 'ok'; statuses?: TaskStatus[]; cost?: number; failureCode?: string }
  | { kind: 'error'; verdict: 'retry' | 'fatal' | 'unknown'; httpStatus?: number; retryAfterMs?: number; message?: string; isProviderFault?: boolean };

interface ScriptedTask {
  id: string;
  req: TaskRequest;
  statuses: TaskStatus[];
  cost: number;
  failureCode: string | undefined;
  polls: number;
  cancelled: boolean;
}

/**
 * A real Provider implementation for queue tests: zero latency, its behaviour scripted per create
 * call, every call counted. Outputs are a real clip file supplied by the test.
 */
export class ScriptedProvider implements Provider {
  readonly isSimulation = true;
  readonly tasks = new Map<string, ScriptedTask>();
  readonly creates: TaskRequest[] = [];
  readonly cancels: string[] = [];
  billed = 0;
  private steps: CreateStep[] = [];
  private seq = 0;
  /** Default for calls beyond the script. */
  fallback: CreateStep = { kind: 'ok' };
  balance = 10_000;

  constructor(
    readonly id: 'local' | 'runway' | 'import',
    private readonly outputFile: string,
    private readonly costPerTask = 25,
  ) {}

  script(...steps: CreateStep[]): this {
    this.steps.push(...steps);
    return this;
  }

  validate(params: GenerationParams): void {
    if (params.model === 'no-such-model') throw new AppError('VALIDATION', 'model: unknown model "no-such-model"', { field: 'model' });
  }

  async create(req: TaskRequest): Promise<CreateResult> {
    const step = this.steps.shift() ?? this.fallback;
    if (step.kind === 'error') {
      // An 'unknown' outcome means the request reached the provider: a task exists there.
      if (step.verdict === 'unknown') this.register(req, { kind: 'ok' });
      throw new ProviderCallError(step.message ?? `scripted ${step.verdict}`, {
        verdict: step.verdict,
        ...(step.httpStatus ? { httpStatus: step.httpStatus } : {}),
        ...(step.retryAfterMs ? { retryAfterMs: step.retryAfterMs } : {}),
        isProviderFault: step.isProviderFault ?? step.verdict !== 'fatal',
      });
    }
    const t = this.register(req, step);
    return { taskId: t.id, estimatedCredits: t.cost };
  }

  private register(req: TaskRequest, step: Extract<CreateStep, { kind: 'ok' }>): ScriptedTask {
    this.creates.push(req);
    const t: ScriptedTask = {
      id: `task-${++this.seq}`,
      req,
      statuses: step.statuses ?? ['PENDING', 'RUNNING', 'SUCCEEDED'],
      cost: step.cost ?? this.costPerTask,
      failureCode: step.failureCode,
      polls: 0,
      cancelled: false,
    };
    this.tasks.set(t.id, t);
    return t;
  }

  async get(taskId: string): Promise<TaskState> {
    const t = this.tasks.get(taskId);
    if (!t) throw new ProviderCallError(`no task ${taskId}`, { verdict: 'fatal', httpStatus: 404, isProviderFault: false });
    if (t.cancelled) return this.bill(t, { status: 'CANCELLED', costCredits: t.cost });
    const status = t.statuses[Math.min(t.polls, t.statuses.length - 1)]!;
    t.polls++;
    if (status === 'SUCCEEDED') return this.bill(t, { status, outputs: [`scripted://${t.id}`], costCredits: t.cost });
    if (status === 'FAILED') return this.bill(t, { status, costCredits: 0, failureCode: t.failureCode ?? 'INTERNAL.BAD_OUTPUT.CODE01', failure: 'scripted failure' });
    if (status === 'CANCELLED') return this.bill(t, { status, costCredits: 0 });
    return { status, progress: status === 'RUNNING' ? 0.5 : 0 };
  }

  private bill(t: ScriptedTask, s: TaskState): TaskState {
    if (!(t as { billedOnce?: boolean }).billedOnce) {
      (t as { billedOnce?: boolean }).billedOnce = true;
      this.billed += s.costCredits ?? 0;
      this.balance -= s.costCredits ?? 0;
    }
    return s;
  }

  async cancel(taskId: string): Promise<void> {
    this.cancels.push(taskId);
    const t = this.tasks.get(taskId);
    if (t) t.cancelled = true;
  }

  async download(_output: string, destFile: string): Promise<void> {
    copyFileSync(this.outputFile, destFile);
  }

  async account(): Promise<AccountInfo> {
    return { creditBalance: this.balance, limits: {} };
  }

  dispose(): void {}
}
