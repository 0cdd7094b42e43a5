import { afterEach, describe, expect, it } from 'vitest';
import { type ProviderCallError } from '../../electron/core/providers/provider';
import { BreakerOpenError, CircuitBreaker, RetriesStoppedError, seededRng, withRetry, type BackoffPolicy } from '../../electron/core/queue/resilience';
import { ManualClock, manualSleep } from '../../electron/core/queue/resilience/testClock';
import { runwayHarness, thrown, type Harness } from '../fakeRunway/providerHarness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const plan: BackoffPolicy = { initialMs: 500, maxMs: 30_000, maxRetries: 6 };

describe('retries, breaker and the real provider together', () => {
  it('polling rides out 429/5xx/resets with full jitter, honouring Retry-After, one GET per try', async () => {
    h = await runwayHarness({}, { readTimeoutMs: 500 });
    const { taskId } = await h.provider.create({ jobId: 'j', variation: 0, params: h.params() }, h.signal);
    h.fake.inject({ route: 'get', fault: { kind: 'status', status: 429, retryAfter: '2' } });
    h.fake.inject({ route: 'get', fault: { kind: 'status', status: 502 } });
    h.fake.inject({ route: 'get', fault: { kind: 'reset' } });
    const clock = new ManualClock();
    const sleep = manualSleep(clock);
    const state = await withRetry(() => h!.provider.get(taskId, h!.signal), { policy: plan, rng: seededRng(3), sleep });
    expect(state.status).toMatch(/PENDING|RUNNING|SUCCEEDED/);
    expect(h.fake.requests.filter((r) => r.route === 'get')).toHaveLength(4);
    expect(sleep.delays).toHaveLength(3);
    expect(sleep.delays[0]).toBeGreaterThanOrEqual(2000);
    expect(sleep.delays[1]).toBeLessThanOrEqual(1000);
    expect(sleep.delays[2]).toBeLessThanOrEqual(2000);
  });

  it('a create that may have gone through is never retried by the loop', async () => {
    h = await runwayHarness();
    h.fake.inject({ route: 'create', fault: { kind: 'status', status: 502, after: true } });
    const sleep = manualSleep(new ManualClock());
    const e = await thrown<ProviderCallError>(withRetry(() => h!.provider.create({ jobId: 'j', variation: 0, params: h!.params() }, h!.signal), { policy: plan, rng: seededRng(1), sleep }));
    expect(e.verdict).toBe('unknown');
    expect(sleep.delays).toEqual([]);
    expect(h.fake.stats()).toMatchObject({ createPosts: 1, tasksCreated: 1 });
  });

  it('a create refused with 429 is retried and makes exactly one task', async () => {
    h = await runwayHarness();
    h.fake.inject({ route: 'create', times: 2, fault: { kind: 'status', status: 429, retryAfter: '1' } });
    const sleep = manualSleep(new ManualClock());
    const c = await withRetry(() => h!.provider.create({ jobId: 'j', variation: 0, params: h!.params() }, h!.signal), { policy: plan, rng: seededRng(1), sleep });
    expect(h.fake.task(c.taskId)).toBeDefined();
    expect(h.fake.stats()).toMatchObject({ createPosts: 3, tasksCreated: 1 });
  });

  it('retries wrap the breaker: a sick Runway opens it and the loop stops on EOPENBREAKER', async () => {
    h = await runwayHarness();
    h.fake.inject({ route: 'get', times: 100, fault: { kind: 'status', status: 503 } });
    const clock = new ManualClock(1_700_000_000_000);
    const breaker = new CircuitBreaker({ name: 'runway', volumeThreshold: 5, failureRateThreshold: 0.05, queueTimeP95ThresholdMs: 10 * 60_000, windowMs: 30 * 60_000, consecutiveWindows: 1, resetTimeoutMs: 60_000 }, clock);
    const sleep = manualSleep(clock);
    const e = await thrown(withRetry(() => breaker.exec(() => h!.provider.get('6b1f9d7e-0000-4000-8000-000000000000', h!.signal)), { policy: { ...plan, maxRetries: 20 }, rng: seededRng(2), sleep }));
    expect(e).toBeInstanceOf(BreakerOpenError);
    expect(h.fake.requests.filter((r) => r.route === 'get')).toHaveLength(5);
    expect(breaker.state).toBe('open');
  });

  it('our own bad requests never open the breaker', async () => {
    h = await runwayHarness();
    h.fake.inject({ route: 'create', times: 10, fault: { kind: 'status', status: 400, error: "Invalid parameter 'seed'" } });
    const breaker = new CircuitBreaker({ name: 'runway', volumeThreshold: 5, failureRateThreshold: 0.05, queueTimeP95ThresholdMs: 60_000, windowMs: 60_000, consecutiveWindows: 1 }, new ManualClock());
    for (let i = 0; i < 10; i++) await thrown(breaker.exec(() => h!.provider.create({ jobId: 'j', variation: i, params: h!.params() }, h!.signal)));
    expect(breaker.state).toBe('closed');
  });

  it('a GET that keeps failing gives up after the budget with the last error', async () => {
    h = await runwayHarness();
    h.fake.inject({ route: 'get', times: 100, fault: { kind: 'status', status: 504 } });
    const sleep = manualSleep(new ManualClock());
    const e = await thrown<RetriesStoppedError>(withRetry(() => h!.provider.get('6b1f9d7e-0000-4000-8000-000000000000', h!.signal), { policy: { ...plan, maxRetries: 3 }, rng: seededRng(9), sleep }));
    expect(e).toBeInstanceOf(RetriesStoppedError);
    expect(e.reason).toBe('exhausted');
    expect(h.fake.requests.filter((r) => r.route === 'get')).toHaveLength(4);
  });
});
