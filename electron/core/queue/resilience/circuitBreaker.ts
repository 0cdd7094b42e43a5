import { AppError } from '../../../../shared/errors';
import type { Clock } from '../../ports';
import { ProviderCallError } from '../../providers/provider';
import type { WindowStats } from './rollingWindow';
import { WindowSeries } from './windowSeries';

export type BreakerState = 'closed' | 'open' | 'half-open';
export type OpenReason = 'failure-rate' | 'queue-time' | 'trial-failed' | 'forced';

export interface CircuitBreakerOptions {
  /** Usually the provider id; shown to the user with the reason. */
  name: string;
  /** Calls (or queue-time samples) a window needs before it can count as tripped; at least 5. */
  volumeThreshold: number;
  /** A window trips when failures / calls exceeds this (the plan's failure_rate, 0.05). */
  failureRateThreshold: number;
  /** A window trips when its p95 provider queue time exceeds this (the plan's p95_queue_minutes, 10). */
  queueTimeP95ThresholdMs: number;
  /** The plan's window_minutes (10). Required unless the older failureWindowMs is given. */
  windowMs?: number;
  /** It opens when this many back-to-back windows tripped, the current one included (the plan's consecutive_windows, 3). Default 1. */
  consecutiveWindows?: number;
  /** Older spelling of windowMs (one window for failures and queue time alike). */
  failureWindowMs?: number;
  /** Older option; queue time is measured over the same windows as failures. */
  queueTimeWindowMs?: number;
  /** How long it stays open before one trial call is let through; default one window. */
  resetTimeoutMs?: number;
  /**
   * The errorFilter, inverted: true when an error counts against the provider's health. Default:
   * a ProviderCallError with isProviderFault (so our own 4xx and content-policy failures do not count).
   */
  isFailure?: (err: unknown) => boolean;
  onStateChange?: (s: BreakerSnapshot) => void;
}

export interface BreakerSnapshot {
  name: string;
  state: BreakerState;
  reason: OpenReason | null;
  openedAt: number | null;
  /** When the next trial call will be allowed (while open). */
  retryAt: number | null;
  /** The current window's calls and queue-time samples. */
  failures: WindowStats;
  queueTime: WindowStats;
  /** How many back-to-back windows up to now tripped a threshold. */
  trippedWindows: number;
}

/** Thrown instead of calling the provider while the breaker is open (opossum's EOPENBREAKER). */
export class BreakerOpenError extends AppError {
  override name = 'BreakerOpenError';
  readonly kind = 'EOPENBREAKER';
  constructor(readonly snapshot: BreakerSnapshot) {
    super(
      'PROVIDER_FAILED',
      `${snapshot.name} looks unhealthy (${describeReason(snapshot)}); jobs wait with their reservations and resume when it recovers.`,
      { breaker: snapshot.name, reason: snapshot.reason, retryAt: snapshot.retryAt, systemProblem: true },
    );
  }
}

function describeReason(s: BreakerSnapshot): string {
  switch (s.reason) {
    case 'failure-rate':
      return `${Math.round(s.failures.failureRate * 100)}% of ${s.failures.calls} recent calls failed`;
    case 'queue-time':
      return `p95 queue time ${Math.round((s.queueTime.p95 ?? 0) / 60_000)} min`;
    case 'trial-failed':
      return 'a trial call failed';
    case 'forced':
      return 'paused by the operator';
    case null:
      return 'open';
  }
}

/** One admitted call. Settle it exactly once with success(), failure(err) or release() (no outcome, e.g. cancelled). */
export interface BreakerPermit {
  readonly isTrial: boolean;
  success(): void;
  failure(err: unknown): void;
  release(): void;
}

export const isProviderFailure = (err: unknown): boolean => err instanceof ProviderCallError && err.isProviderFault;

/** The plan's `circuit_breaker` section (snake_case, as in the YAML). */
export interface PlanCircuitBreaker {
  failure_rate: number;
  p95_queue_minutes: number;
  window_minutes: number;
  consecutive_windows: number;
}

export function breakerOptionsFromPlan(cb: PlanCircuitBreaker, o: { name: string; volumeThreshold?: number; resetTimeoutMs?: number }): CircuitBreakerOptions {
  return {
    name: o.name,
    volumeThreshold: o.volumeThreshold ?? 5,
    failureRateThreshold: cb.failure_rate,
    queueTimeP95ThresholdMs: cb.p95_queue_minutes * 60_000,
    windowMs: cb.window_minutes * 60_000,
    consecutiveWindows: cb.consecutive_windows,
    resetTimeoutMs: o.resetTimeoutMs,
  };
}

/**
 * Per-provider circuit breaker (docs/reliability.md C2; source 003's policy, docs/sources.md). A window trips when its
 * failure rate or its p95 provider queue time is over the threshold (with enough volume); the breaker
 * opens when `consecutiveWindows` back-to-back windows tripped. After resetTimeoutMs it admits exactly
 * one trial call and rejects a concurrent second; the trial's success closes it, its failure reopens
 * it. Clock-injected, no timers.
 */
export class CircuitBreaker {
  private readonly windows: WindowSeries;
  private readonly windowMs: number;
  private readonly consecutive: number;
  private readonly isFailure: (err: unknown) => boolean;
  private st: 'closed' | 'open' = 'closed';
  private reason: OpenReason | null = null;
  private openedAt: number | null = null;
  private trialInFlight = false;

  constructor(
    private readonly opts: CircuitBreakerOptions,
    private readonly clock: Clock,
  ) {
    if (!Number.isInteger(opts.volumeThreshold) || opts.volumeThreshold < 5) throw new RangeError('volumeThreshold must be a whole number ≥ 5');
    if (!(opts.failureRateThreshold >= 0 && opts.failureRateThreshold < 1)) throw new RangeError('failureRateThreshold must be from 0 up to (not including) 1');
    if (opts.resetTimeoutMs !== undefined && !(opts.resetTimeoutMs > 0)) throw new RangeError('resetTimeoutMs must be more than 0');
    if (!(opts.queueTimeP95ThresholdMs > 0)) throw new RangeError('queueTimeP95ThresholdMs must be more than 0');
    this.consecutive = opts.consecutiveWindows ?? 1;
    if (!Number.isInteger(this.consecutive) || this.consecutive < 1) throw new RangeError('consecutiveWindows must be a whole number ≥ 1');
    const windowMs = opts.windowMs ?? opts.failureWindowMs;
    if (windowMs === undefined || !(windowMs > 0)) throw new RangeError('windowMs must be more than 0');
    this.windowMs = windowMs;
    this.windows = new WindowSeries(windowMs, this.consecutive, clock);
    this.isFailure = opts.isFailure ?? isProviderFailure;
  }

  get state(): BreakerState {
    if (this.st === 'closed') return 'closed';
    return this.clock.now() >= this.retryAt() ? 'half-open' : 'open';
  }

  /** A permit to call the provider, or null while open (or while the half-open trial is in flight). */
  tryAcquire(): BreakerPermit | null {
    const state = this.state;
    if (state === 'closed') return this.permit(false);
    if (state === 'open' || this.trialInFlight) return null;
    this.trialInFlight = true;
    this.emit();
    return this.permit(true);
  }

  recordQueueTime(ms: number): void {
    this.windows.recordSample(ms);
    this.evaluate();
  }

  forceOpen(): void {
    this.open('forced');
  }

  /** Closes it and forgets the windows (an operator's "try again now"). */
  reset(): void {
    this.close();
  }

  snapshot(): BreakerSnapshot {
    const state = this.state;
    return {
      name: this.opts.name,
      state,
      reason: state === 'closed' ? null : this.reason,
      openedAt: state === 'closed' ? null : this.openedAt,
      retryAt: state === 'closed' ? null : this.retryAt(),
      failures: this.windows.stats(),
      queueTime: this.windows.stats(),
      trippedWindows: this.trippedWindows(),
    };
  }

  /** Why window `back` (0 = current) tripped, or null. */
  private tripOf(back: number): 'failure-rate' | 'queue-time' | null {
    const w = this.windows.stats(back);
    const v = this.opts.volumeThreshold;
    if (w.calls >= v && w.failureRate > this.opts.failureRateThreshold) return 'failure-rate';
    if (w.samples >= v && (w.p95 ?? 0) > this.opts.queueTimeP95ThresholdMs) return 'queue-time';
    return null;
  }

  private trippedWindows(): number {
    let n = 0;
    while (n < this.consecutive && this.tripOf(n) !== null) n++;
    return n;
  }

  private evaluate(): void {
    if (this.st !== 'closed') return;
    const why = this.tripOf(0);
    if (why && this.trippedWindows() >= this.consecutive) this.open(why);
  }

  private permit(isTrial: boolean): BreakerPermit {
    let settled = false;
    const once = (f: () => void) => () => {
      if (settled) return;
      settled = true;
      f();
    };
    const onSuccess = once(() => {
      if (isTrial) {
        this.trialInFlight = false;
        this.close();
      } else this.windows.recordSuccess();
    });
    let pendingErr: unknown;
    const onFailure = once(() => {
      if (!this.isFailure(pendingErr)) {
        // The provider answered (e.g. our 400, a moderation refusal): healthy as far as we know.
        if (isTrial) {
          this.trialInFlight = false;
          this.close();
        } else this.windows.recordSuccess();
        return;
      }
      if (isTrial) {
        this.trialInFlight = false;
        this.open('trial-failed');
        return;
      }
      this.windows.recordFailure();
      this.evaluate();
    });
    const onRelease = once(() => {
      if (isTrial) this.trialInFlight = false;
    });
    return {
      isTrial,
      success: onSuccess,
      failure: (err) => {
        pendingErr = err;
        onFailure();
      },
      release: onRelease,
    };
  }

  private retryAt(): number {
    return (this.openedAt ?? 0) + (this.opts.resetTimeoutMs ?? this.windowMs);
  }

  private open(reason: OpenReason): void {
    this.st = 'open';
    this.reason = reason;
    this.openedAt = this.clock.now();
    this.emit();
  }

  private close(): void {
    const wasOpen = this.st !== 'closed';
    this.st = 'closed';
    this.reason = null;
    this.openedAt = null;
    this.trialInFlight = false;
    this.windows.clear();
    if (wasOpen) this.emit();
  }

  private emit(): void {
    this.opts.onStateChange?.(this.snapshot());
  }
}
