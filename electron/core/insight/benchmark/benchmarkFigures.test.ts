import { describe, expect, it } from 'vitest';
import type { BenchmarkJob } from '../../../../shared/contract/benchmarkTypes';
import { shippedPlan } from '../../../../test/support/moneyConfigs';
import { benchmarkFindings, benchmarkSummary } from './benchmarkFigures';

const job = (o: Partial<BenchmarkJob>): BenchmarkJob => ({
  kind: 'small', jobId: 'job_x', paramsHash: 'h', model: 'gen4.5', durationSec: 5, ratio: '1280:720', variations: 1, status: 'ok',
  estimated: 60, charged: 60, creditsBefore: null, creditsAfter: null, queueTimeMs: 1_000, latencyMs: 60_000, errorCode: null, ...o,
});

describe('benchmarkSummary', () => {
  it('measures cost from the balance when it moved, else the charge, over seconds of output made', () => {
    const jobs = [
      job({ creditsBefore: 1_000, creditsAfter: 934 }), // 66 by the balance
      job({ kind: 'big', durationSec: 10, variations: 2, estimated: 240, charged: 240, latencyMs: 700_000, queueTimeMs: 650_000 }),
      job({ status: 'fail', charged: 0, latencyMs: 30_000 }),
      job({ status: 'refused', jobId: null, estimated: null, charged: null, latencyMs: null, queueTimeMs: null, errorCode: 'POLICY_REFUSED' }),
    ];
    expect(benchmarkSummary(jobs)).toEqual({
      jobs: 4, failures: 1, refused: 1, failureRate: 0.3333, seconds: 25, credits: 306,
      effectiveCreditsPerSecond: 12.24, cardCreditsPerSecond: 12, p95LatencyMs: 700_000, p95QueueMs: 650_000,
    });
  });

  it('has no rates without successful jobs', () => {
    expect(benchmarkSummary([job({ status: 'refused', latencyMs: null, queueTimeMs: null })])).toMatchObject({ failureRate: null, effectiveCreditsPerSecond: null, p95LatencyMs: null });
  });
});

describe('benchmarkFindings', () => {
  it("compares the run with the plan's thresholds and the rate card", () => {
    const plan = shippedPlan('runway-api');
    const jobs = [job({ creditsBefore: 1_000, creditsAfter: 934 }), job({ status: 'fail', latencyMs: 700_000, queueTimeMs: 660_000 }), job({ status: 'refused', errorCode: 'POLICY_REFUSED', latencyMs: null, queueTimeMs: null })];
    const s = benchmarkSummary(jobs);
    expect(benchmarkFindings(s, jobs, plan, 'runway-api', ['a note'])).toEqual([
      'a note',
      '1 of 3 jobs were refused before running (POLICY_REFUSED).',
      "1 of 2 jobs failed (50 %), above the 5 % at which the plan's circuit breaker opens: the provider looks degraded; re-run before changing limits.",
      "Effective 13.2 credits/s against the card's 12 (+10 %): update rate card runway-api, or switch on the learned rate for this model.",
      'p95 total latency 11.7 min, above the 10 min at which adaptive concurrency drops to 1.',
      "p95 queue time 11 min is above the circuit breaker's 10 min: interactive work will stall.",
    ]);
  });
});
