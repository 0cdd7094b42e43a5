import { describe, expect, it } from 'vitest';
import { ProviderCallError } from '../../providers/provider';
import { BreakerOpenError, breakerOptionsFromPlan, CircuitBreaker, type BreakerSnapshot, type CircuitBreakerOptions } from './circuitBreaker';
import { ManualClock } from '../../../../test/support/testClock';

const MIN = 60_000;
// One 30-minute window: source 003's (docs/sources.md) "failure rate > 5 % over 30 minutes", "p95 queue time > 10 minutes".
const seedOpts: CircuitBreakerOptions = {
  name: 'runway',
  volumeThreshold: 5,
  failureRateThreshold: 0.05,
  queueTimeP95ThresholdMs: 10 * MIN,
  windowMs: 30 * MIN,
  consecutiveWindows: 1,
  resetTimeoutMs: MIN,
};
// The shipped plans: 3 consecutive 10-minute windows.
const planOpts = breakerOptionsFromPlan({ failure_rate: 0.05, p95_queue_minutes: 10, window_minutes: 10, consecutive_windows: 3 }, { name: 'runway', resetTimeoutMs: MIN });

const providerDown = (): ProviderCallError => new ProviderCallError('Runway 503', { verdict: 'retry', httpStatus: 503, isProviderFault: true });
const ourBadInput = (): ProviderCallError => new ProviderCallError('Runway 400', { verdict: 'fatal', httpStatus: 400, isProviderFault: false });
const moderation = (): ProviderCallError => new ProviderCallError('SAFETY.INPUT.TEXT', { verdict: 'fatal', isProviderFault: false });

function make(over: Partial<CircuitBreakerOptions> = {}): { b: CircuitBreaker; clock: ManualClock; changes: BreakerSnapshot[] } {
  const clock = new ManualClock(1_800_000_000_000); // on a 30-minute boundary
  const changes: BreakerSnapshot[] = [];
  const b = new CircuitBreaker({ ...seedOpts, ...over, onStateChange: (s) => changes.push(s) }, clock);
  return { b, clock, changes };
}

const succeed = (b: CircuitBreaker, n: number): void => {
  for (let i = 0; i < n; i++) b.tryAcquire()!.success();
};
const fail = (b: CircuitBreaker, n: number, e: () => unknown = providerDown): void => {
  for (let i = 0; i < n; i++) b.tryAcquire()!.failure(e());
};

describe('circuit breaker (C2)', () => {
  it('refuses a volumeThreshold below 5', () => {
    expect(() => make({ volumeThreshold: 4 })).toThrow(/volumeThreshold/);
  });

  it('does not open on fewer calls than the volume threshold, then opens', () => {
    const { b } = make();
    fail(b, 4);
    expect(b.state).toBe('closed');
    fail(b, 1);
    expect(b.state).toBe('open');
    expect(b.snapshot().reason).toBe('failure-rate');
  });

  it('opens just above 5 % failures over the window, not at or below', () => {
    const { b } = make();
    succeed(b, 95);
    fail(b, 5); // 5 / 100 = 5 %: not above
    expect(b.state).toBe('closed');
    fail(b, 1); // 6 / 101
    expect(b.state).toBe('open');
  });

  it('a new window starts fresh', () => {
    const { b, clock } = make();
    fail(b, 4);
    clock.advance(30 * MIN);
    succeed(b, 20);
    fail(b, 1); // 1 / 21 in this window; with the last window's it would be 5 / 25
    expect(b.state).toBe('closed');
    const { b: b2 } = make();
    fail(b2, 4);
    succeed(b2, 20);
    fail(b2, 1);
    expect(b2.state).toBe('open');
  });

  it("the plan's policy: opens only when 3 back-to-back 10-minute windows trip", () => {
    const { b, clock } = make(planOpts);
    fail(b, 5);
    expect(b.snapshot().trippedWindows).toBe(1);
    clock.advance(10 * MIN);
    fail(b, 5);
    expect(b.state).toBe('closed');
    clock.advance(10 * MIN);
    fail(b, 4);
    expect(b.state).toBe('closed'); // not enough volume in this window yet
    fail(b, 1);
    expect(b.state).toBe('open');
    expect(b.snapshot().reason).toBe('failure-rate');
  });

  it('a healthy or quiet window in between breaks the run', () => {
    const { b, clock } = make(planOpts);
    fail(b, 5);
    clock.advance(10 * MIN);
    fail(b, 5);
    clock.advance(10 * MIN);
    succeed(b, 50); // healthy window
    clock.advance(10 * MIN);
    fail(b, 5);
    clock.advance(10 * MIN);
    fail(b, 5);
    expect(b.state).toBe('closed');
    clock.advance(20 * MIN); // a window with no calls at all
    fail(b, 5);
    expect(b.snapshot().trippedWindows).toBe(1);
    clock.advance(10 * MIN);
    fail(b, 5);
    clock.advance(10 * MIN);
    fail(b, 5);
    expect(b.state).toBe('open');
  });

  it('failure-rate and queue-time windows chain together; the reset timeout defaults to one window', () => {
    const { b, clock } = make({ ...planOpts, resetTimeoutMs: undefined });
    for (let i = 0; i < 5; i++) b.recordQueueTime(12 * MIN);
    clock.advance(10 * MIN);
    fail(b, 5);
    clock.advance(10 * MIN);
    for (let i = 0; i < 5; i++) b.recordQueueTime(12 * MIN);
    expect(b.state).toBe('open');
    expect(b.snapshot().reason).toBe('queue-time');
    clock.advance(10 * MIN - 1);
    expect(b.state).toBe('open');
    clock.advance(1);
    expect(b.state).toBe('half-open');
  });

  it('takes the older failureWindowMs spelling for a single window', () => {
    const clock = new ManualClock(1_800_000_000_000);
    const b = new CircuitBreaker({ name: 'runway', volumeThreshold: 5, failureRateThreshold: 0.05, failureWindowMs: 30 * MIN, queueTimeWindowMs: 30 * MIN, queueTimeP95ThresholdMs: 10 * MIN, resetTimeoutMs: MIN }, clock);
    fail(b, 5);
    expect(b.state).toBe('open');
    expect(() => new CircuitBreaker({ name: 'x', volumeThreshold: 5, failureRateThreshold: 0.05, queueTimeP95ThresholdMs: MIN }, clock)).toThrow(/windowMs/);
  });

  it('refuses consecutiveWindows below 1', () => {
    expect(() => make({ consecutiveWindows: 0 })).toThrow(/consecutiveWindows/);
  });

  it('our own 4xx and content-policy failures never open it', () => {
    const { b } = make();
    fail(b, 50, ourBadInput);
    fail(b, 50, moderation);
    fail(b, 50, () => new Error('a bug of ours'));
    expect(b.state).toBe('closed');
  });

  it('after the reset timeout admits exactly one trial and rejects a concurrent second', () => {
    const { b, clock } = make();
    fail(b, 5);
    expect(b.tryAcquire()).toBeNull();
    clock.advance(MIN - 1);
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBeNull();
    clock.advance(1);
    expect(b.state).toBe('half-open');

    const trial = b.tryAcquire();
    expect(trial?.isTrial).toBe(true);
    expect(b.tryAcquire()).toBeNull(); // the concurrent second
    trial!.success();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()?.isTrial).toBe(false);
  });

  it('a failed trial reopens it for another reset timeout', () => {
    const { b, clock } = make();
    fail(b, 5);
    clock.advance(MIN);
    b.tryAcquire()!.failure(providerDown());
    expect(b.state).toBe('open');
    expect(b.snapshot().reason).toBe('trial-failed');
    clock.advance(MIN - 1);
    expect(b.tryAcquire()).toBeNull();
    clock.advance(1);
    expect(b.tryAcquire()?.isTrial).toBe(true);
  });

  it('a cancelled trial frees the trial slot without closing', () => {
    const { b, clock } = make();
    fail(b, 5);
    clock.advance(MIN);
    b.tryAcquire()!.release();
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()?.isTrial).toBe(true);
  });

  it('opens on p95 provider queue time over 10 minutes', () => {
    const { b } = make();
    for (let i = 0; i < 19; i++) b.recordQueueTime(1 * MIN);
    b.recordQueueTime(20 * MIN); // p95 of 20 samples = the 19th = 1 minute
    expect(b.state).toBe('closed');
    const { b: slow } = make();
    for (let i = 0; i < 4; i++) slow.recordQueueTime(11 * MIN);
    expect(slow.state).toBe('closed'); // not enough samples yet
    slow.recordQueueTime(11 * MIN);
    expect(slow.state).toBe('open');
    expect(slow.snapshot().reason).toBe('queue-time');
  });

  it('tells the user it is a system problem, and reports state changes', () => {
    const { b, changes } = make();
    fail(b, 5);
    const e = new BreakerOpenError(b.snapshot());
    expect(e.message).toMatch(/runway looks unhealthy \(100% of 5 recent calls failed\)/);
    expect(e.details).toMatchObject({ systemProblem: true, breaker: 'runway' });
    expect(changes.map((c) => c.state)).toEqual(['open']);
    expect(changes[0]?.trippedWindows).toBe(1);
    b.reset();
    expect(changes.map((c) => c.state)).toEqual(['open', 'closed']);
    b.forceOpen();
    expect(b.state).toBe('open');
  });

  it('a permit settles once: a double success does not count twice', () => {
    const { b } = make();
    const p = b.tryAcquire()!;
    p.failure(providerDown());
    p.failure(providerDown());
    p.success();
    expect(b.snapshot().failures).toMatchObject({ calls: 1, failures: 1 });
  });
});
