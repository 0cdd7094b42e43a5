import type { ProviderId } from '../../../shared/money/params';
import type { PlanConfig } from '../../../shared/money/planSchema';
import type { Clock } from '../ports';
import type { BreakerView, GatePermit, ProviderGate } from './queuePorts';
import { AdaptiveConcurrency, breakerOptionsFromPlan, CircuitBreaker, concurrencyOptionsFromPlan, TokenBucket, type BreakerSnapshot } from './resilience';
import { sleep } from './sleep';

export interface GateOptions {
  clock: Clock;
  /** The plan in force: rate_limits, circuit_breaker and concurrency sections. */
  plan(): Pick<PlanConfig, 'rate_limits' | 'circuit_breaker' | 'concurrency'>;
  /** How long an open breaker waits before one trial call (default: one window). */
  breakerResetMs?: number;
  onBreakerChange?(view: BreakerView): void;
}

/**
 * Pacing and provider health from the plan: a token bucket per provider (rate_limits; none when the
 * plan sets no requests per minute), a circuit breaker per provider (circuit_breaker) and adaptive
 * concurrency (concurrency). Built per provider on first use.
 */
export class ResilienceGate implements ProviderGate {
  private readonly buckets = new Map<ProviderId, TokenBucket | null>();
  private readonly breakers = new Map<ProviderId, CircuitBreaker>();
  private readonly adaptive = new Map<ProviderId, AdaptiveConcurrency>();

  constructor(private readonly o: GateOptions) {}

  async admit(provider: ProviderId, signal: AbortSignal): Promise<GatePermit | null> {
    const bucket = this.bucket(provider);
    while (bucket && !bucket.tryTake()) {
      if (signal.aborted) return null;
      await sleep(Math.max(5, bucket.msUntilAvailable()), signal);
    }
    const permit = this.breaker(provider).tryAcquire();
    if (!permit) {
      bucket?.giveBack();
      return null;
    }
    // The first of the four ends the permit (the breaker's permit ignores later ones): a token goes back
    // once at most, and never for a request that was sent.
    let isEnded = false;
    const end = (f: () => void) => () => {
      if (isEnded) return;
      isEnded = true;
      f();
    };
    return {
      success: end(() => permit.success()),
      failure: (err) => end(() => permit.failure(err))(),
      release: end(() => permit.release()),
      unused: end(() => {
        bucket?.giveBack();
        permit.release();
      }),
    };
  }

  recordQueueTime(provider: ProviderId, ms: number): void {
    this.breaker(provider).recordQueueTime(ms);
  }

  recordLatency(provider: ProviderId, ms: number): void {
    this.adaptiveFor(provider).recordLatency(ms);
  }

  recordRateLimited(provider: ProviderId): void {
    this.adaptiveFor(provider).recordRateLimited();
  }

  concurrency(provider: ProviderId): number {
    return this.adaptiveFor(provider).limit;
  }

  setProviderLimit(provider: ProviderId, limit: number | null): void {
    this.adaptiveFor(provider).setProviderLimit(limit);
  }

  view(): BreakerView[] {
    return [...this.breakers.entries()].map(([provider, b]) => toView(provider, b.snapshot()));
  }

  isHolding(provider: ProviderId): boolean {
    return this.breakers.get(provider)?.state === 'open';
  }

  /** The operator's (and tests') switch: hold all work for a provider. */
  forceOpen(provider: ProviderId): void {
    this.breaker(provider).forceOpen();
  }

  reset(provider: ProviderId): void {
    this.breaker(provider).reset();
  }

  private bucket(p: ProviderId): TokenBucket | null {
    if (!this.buckets.has(p)) this.buckets.set(p, TokenBucket.fromPlanRateLimits(this.o.plan().rate_limits, this.o.clock));
    return this.buckets.get(p)!;
  }

  private breaker(p: ProviderId): CircuitBreaker {
    let b = this.breakers.get(p);
    if (!b) {
      const opts = breakerOptionsFromPlan(this.o.plan().circuit_breaker, { name: p, ...(this.o.breakerResetMs ? { resetTimeoutMs: this.o.breakerResetMs } : {}) });
      b = new CircuitBreaker({ ...opts, onStateChange: (snap) => this.o.onBreakerChange?.(toView(p, snap)) }, this.o.clock);
      this.breakers.set(p, b);
    }
    return b;
  }

  private adaptiveFor(p: ProviderId): AdaptiveConcurrency {
    let a = this.adaptive.get(p);
    if (!a) {
      a = new AdaptiveConcurrency(concurrencyOptionsFromPlan(this.o.plan().concurrency), this.o.clock);
      this.adaptive.set(p, a);
    }
    return a;
  }
}

function toView(provider: ProviderId, s: BreakerSnapshot): BreakerView {
  return { provider, state: s.state, reason: s.reason, retryAt: s.retryAt };
}
