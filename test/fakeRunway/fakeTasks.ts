import type { FakeEndpoint } from './fakeModels';

export type FakeStatus = 'THROTTLED' | 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** How a task will end. cost: the final cost.credits (0 = refunded); default the estimate for SUCCEEDED and SAFETY.INPUT.*, else 0. */
export interface PlannedOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  failureCode?: string;
  failure?: string;
  cost?: number;
}

export interface Timing {
  /** PENDING → RUNNING. */
  pendingMs: number;
  /** RUNNING → terminal. */
  runningMs: number;
}

export interface FakeTask {
  id: string;
  keyId: string;
  model: string;
  endpoint: FakeEndpoint;
  body: Record<string, unknown>;
  ratio: string;
  durationSec: number;
  estimate: number;
  createdAt: number;
  status: FakeStatus;
  admittedAt: number | null;
  startedAt: number | null;
  endedAt: number | null;
  /** When it spent time THROTTLED (for asserting the concurrency limit). */
  wasThrottled: boolean;
  outcome: PlannedOutcome;
  cost: number | null;
  isDeleted: boolean;
}

const TERMINAL: ReadonlySet<FakeStatus> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
export const isTerminal = (s: FakeStatus): boolean => TERMINAL.has(s);

export function defaultCost(t: Pick<FakeTask, 'estimate' | 'outcome'>): number {
  if (t.outcome.cost !== undefined) return t.outcome.cost;
  if (t.outcome.status === 'SUCCEEDED') return t.estimate;
  return t.outcome.failureCode?.toUpperCase().startsWith('SAFETY.INPUT') ? t.estimate : 0;
}

/**
 * The fake's tasks and their clock-driven lifecycle: THROTTLED (over the model's concurrency limit,
 * released in submission order) → PENDING → RUNNING (progress) → terminal. Advanced lazily to `now`
 * by replaying events in time order, so a fake clock works without timers.
 */
export class FakeTaskBook {
  private readonly tasks: FakeTask[] = [];
  private readonly byId = new Map<string, FakeTask>();

  constructor(
    private readonly timing: () => Timing,
    private readonly concurrencyLimit: (model: string) => number | null,
    private readonly onTerminal: (t: FakeTask) => void,
  ) {}

  add(t: FakeTask, now: number): void {
    this.advance(now);
    this.tasks.push(t);
    this.byId.set(t.id, t);
    this.admit(t.model, now);
    if (t.status === 'THROTTLED') t.wasThrottled = true;
  }

  get(id: string, now: number): FakeTask | undefined {
    this.advance(now);
    const t = this.byId.get(id);
    return t && !t.isDeleted ? t : undefined;
  }

  all(now: number): FakeTask[] {
    this.advance(now);
    return [...this.tasks];
  }

  /** DELETE: cancels an unfinished task, deletes a finished one. */
  remove(id: string, now: number): 'cancelled' | 'deleted' | 'missing' {
    const t = this.get(id, now);
    if (!t) return 'missing';
    if (isTerminal(t.status)) {
      t.isDeleted = true;
      return 'deleted';
    }
    this.finish(t, 'CANCELLED', now);
    this.admit(t.model, now);
    return 'cancelled';
  }

  progress(t: FakeTask, now: number): number {
    if (t.status !== 'RUNNING' || t.startedAt === null) return 0;
    return Math.min(0.99, Math.max(0, (now - t.startedAt) / Math.max(1, this.timing().runningMs)));
  }

  advance(now: number): void {
    for (;;) {
      const next = this.nextEvent();
      if (!next || next.at > now) break;
      const { task, at } = next;
      if (task.status === 'PENDING') {
        task.status = 'RUNNING';
        task.startedAt = at;
      } else {
        this.finish(task, task.outcome.status, at);
        this.admit(task.model, at);
      }
    }
  }

  /** Tasks of the model that hold a concurrency slot. */
  active(model: string): number {
    return this.tasks.filter((t) => t.model === model && (t.status === 'PENDING' || t.status === 'RUNNING')).length;
  }

  private nextEvent(): { task: FakeTask; at: number } | null {
    const { pendingMs, runningMs } = this.timing();
    let best: { task: FakeTask; at: number } | null = null;
    for (const t of this.tasks) {
      const at = t.status === 'PENDING' ? t.admittedAt! + pendingMs : t.status === 'RUNNING' ? t.startedAt! + runningMs : null;
      if (at !== null && (!best || at < best.at)) best = { task: t, at };
    }
    return best;
  }

  private admit(model: string, at: number): void {
    const limit = this.concurrencyLimit(model);
    let free = limit === null ? Infinity : limit - this.active(model);
    for (const t of this.tasks) {
      if (free <= 0) break;
      if (t.model !== model || t.status !== 'THROTTLED') continue;
      t.status = 'PENDING';
      t.admittedAt = Math.max(at, t.createdAt);
      free--;
    }
  }

  private finish(t: FakeTask, status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED', at: number): void {
    t.status = status;
    t.endedAt = at;
    t.cost = status === 'CANCELLED' ? 0 : defaultCost(t);
    this.onTerminal(t);
  }
}

/**
 * The most tasks of each model in flight at once — created and not yet ended (THROTTLED, PENDING or
 * RUNNING; a task ends when it succeeds, fails or is cancelled) — over the tasks given, as of `now`. A task
 * that ends at the very ms another is created has let go of its slot first.
 */
export function maxInFlightByModel(tasks: readonly FakeTask[], now: number): Record<string, number> {
  const events = new Map<string, { at: number; d: number }[]>();
  for (const t of tasks) {
    const list = events.get(t.model) ?? [];
    list.push({ at: t.createdAt, d: +1 });
    if (t.endedAt !== null && t.endedAt <= now) list.push({ at: t.endedAt, d: -1 });
    events.set(t.model, list);
  }
  const out: Record<string, number> = {};
  for (const [model, list] of events) {
    list.sort((a, b) => a.at - b.at || a.d - b.d);
    let cur = 0;
    let max = 0;
    for (const e of list) max = Math.max(max, (cur += e.d));
    out[model] = max;
  }
  return out;
}
