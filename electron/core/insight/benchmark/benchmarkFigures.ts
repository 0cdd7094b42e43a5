import type { BenchmarkJob, BenchmarkSummary } from '../../../../shared/contract/benchmarkTypes';
import type { PlanConfig } from '../../../../shared/money/planSchema';
import { p95, round } from '../insightStats';

/**
 * The benchmark's figures from its ten job records (docs/sources.md 003): effective credits per second (what the
 * balance lost, else what was captured, over seconds of output made), p95 total latency, failure rate.
 * Jobs run one at a time, so a balance delta is one job's cost. Pure.
 */
export function costOf(j: BenchmarkJob): number | null {
  if (j.creditsBefore !== null && j.creditsAfter !== null && j.creditsBefore - j.creditsAfter > 0) return j.creditsBefore - j.creditsAfter;
  return j.charged;
}

export function benchmarkSummary(jobs: readonly BenchmarkJob[]): BenchmarkSummary {
  const ran = jobs.filter((j) => j.status !== 'refused');
  const ok = jobs.filter((j) => j.status === 'ok');
  const failures = jobs.filter((j) => j.status === 'fail').length;
  let seconds = 0;
  let credits = 0;
  let estimated = 0;
  for (const j of ok) {
    const cost = costOf(j);
    if (cost === null) continue;
    seconds += j.durationSec * j.variations;
    credits += cost;
    estimated += j.estimated ?? 0;
  }
  return {
    jobs: jobs.length,
    failures,
    refused: jobs.length - ran.length,
    failureRate: ran.length === 0 ? null : round(failures / ran.length),
    seconds,
    credits,
    effectiveCreditsPerSecond: seconds > 0 ? round(credits / seconds, 2) : null,
    cardCreditsPerSecond: seconds > 0 ? round(estimated / seconds, 2) : null,
    p95LatencyMs: p95(ran.flatMap((j) => (j.latencyMs === null ? [] : [j.latencyMs]))),
    p95QueueMs: p95(ran.flatMap((j) => (j.queueTimeMs === null ? [] : [j.queueTimeMs]))),
  };
}

const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;
const mins = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 6000) / 10} min`);

/** What the run showed, against the plan's own thresholds and the rate card. */
export function benchmarkFindings(s: BenchmarkSummary, jobs: readonly BenchmarkJob[], plan: PlanConfig, rateCardName: string, notes: readonly string[]): string[] {
  const out = [...notes];
  if (s.refused > 0) {
    const codes = [...new Set(jobs.filter((j) => j.status === 'refused').map((j) => j.errorCode ?? 'refused'))];
    out.push(`${s.refused} of ${s.jobs} jobs were refused before running (${codes.join(', ')}).`);
  }
  if (s.failureRate !== null) {
    const limit = plan.circuit_breaker.failure_rate;
    out.push(
      s.failureRate > limit
        ? `${s.failures} of ${s.jobs - s.refused} jobs failed (${pct(s.failureRate)}), above the ${pct(limit)} at which the plan's circuit breaker opens: the provider looks degraded; re-run before changing limits.`
        : `${s.failures} of ${s.jobs - s.refused} jobs failed (${pct(s.failureRate)}).`,
    );
  }
  if (s.effectiveCreditsPerSecond !== null && s.cardCreditsPerSecond !== null && s.cardCreditsPerSecond > 0) {
    const diff = (s.effectiveCreditsPerSecond - s.cardCreditsPerSecond) / s.cardCreditsPerSecond;
    out.push(
      Math.abs(diff) > 0.05
        ? `Effective ${s.effectiveCreditsPerSecond} credits/s against the card's ${s.cardCreditsPerSecond} (${diff > 0 ? '+' : ''}${pct(diff)}): update rate card ${rateCardName}, or switch on the learned rate for this model.`
        : `Effective ${s.effectiveCreditsPerSecond} credits/s, within 5 % of rate card ${rateCardName} (${s.cardCreditsPerSecond}).`,
    );
  }
  if (s.p95LatencyMs !== null) {
    const drop = plan.concurrency.drop_when_p95_above_minutes * 60_000;
    out.push(`p95 total latency ${mins(s.p95LatencyMs)}${s.p95LatencyMs > drop ? `, above the ${plan.concurrency.drop_when_p95_above_minutes} min at which adaptive concurrency drops to 1` : ''}.`);
  }
  if (s.p95QueueMs !== null && s.p95QueueMs > plan.circuit_breaker.p95_queue_minutes * 60_000) {
    out.push(`p95 queue time ${mins(s.p95QueueMs)} is above the circuit breaker's ${plan.circuit_breaker.p95_queue_minutes} min: interactive work will stall.`);
  }
  return out;
}
