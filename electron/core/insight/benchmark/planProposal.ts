import { isScalar, parseDocument } from 'yaml';
import type { PlanChange } from '../../../../shared/contract/benchmarkTypes';
import { AppError } from '../../../../shared/errors';
import { PlanConfig } from '../../../../shared/money/planSchema';
import { formatProblem, parseConfigText } from '../../money/configFile';

/**
 * The plan-config changes a benchmark proposes, applied to the plan file's text with its comments kept.
 * Always: plan.checked_at moves to the benchmark's day and plan.version goes up by one (the figures were
 * re-verified). When observed: the provider's concurrency limit for the model lowers
 * quotas.max_concurrent_jobs (and concurrency.start/max with it); creates refused for rate limits halve
 * rate_limits.requests_per_minute. Pure.
 */
export interface ProposalInput {
  plan: PlanConfig;
  day: string;
  /** The provider's concurrency limit for the benchmarked model, when its account says. */
  maxConcurrent: number | null;
  /** Create calls refused and retried (429s) during the run. */
  rateLimited: number;
}

export function proposedChanges(i: ProposalInput): PlanChange[] {
  const p = i.plan;
  const out: PlanChange[] = [
    { path: 'plan.checked_at', from: p.plan.checked_at, to: i.day, why: 'the benchmark re-verified this plan today' },
    { path: 'plan.version', from: p.plan.version, to: p.plan.version + 1, why: 'a re-verified plan is a new version' },
  ];
  const limit = i.maxConcurrent;
  if (limit !== null && limit >= 1 && limit < p.quotas.max_concurrent_jobs) {
    const why = `the provider allows ${limit} task${limit === 1 ? '' : 's'} at once for this model`;
    out.push({ path: 'quotas.max_concurrent_jobs', from: p.quotas.max_concurrent_jobs, to: limit, why });
    if (p.concurrency.max > limit) out.push({ path: 'concurrency.max', from: p.concurrency.max, to: limit, why });
    if (p.concurrency.start > limit) out.push({ path: 'concurrency.start', from: p.concurrency.start, to: limit, why });
  }
  const rpm = p.rate_limits.requests_per_minute;
  if (i.rateLimited > 0 && rpm !== null && rpm > 1) {
    const to = Math.max(1, Math.ceil(rpm / 2));
    out.push({ path: 'rate_limits.requests_per_minute', from: rpm, to, why: `${i.rateLimited} create call${i.rateLimited === 1 ? ' was' : 's were'} refused for the rate limit at ${rpm}/min` });
    if (p.rate_limits.burst > to) out.push({ path: 'rate_limits.burst', from: p.rate_limits.burst, to, why: 'a burst may not exceed the per-minute rate' });
  }
  return out;
}

/**
 * The plan file's text with the changes applied in place: each changed value's source text is replaced,
 * keeping its quoting, so comments, layout and every other line stay byte for byte. Validated as a plan.
 */
export function applyChanges(file: string, text: string, changes: readonly PlanChange[]): string {
  const doc = parseDocument(text);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const c of changes) {
    const node = doc.getIn(c.path.split('.'), true);
    if (!isScalar(node) || !node.range) throw new AppError('INTERNAL', `The plan file has no value at ${c.path} to change.`, { field: c.path });
    const [start, end] = node.range;
    const quoted = node.type === 'QUOTE_DOUBLE' ? JSON.stringify(c.to) : node.type === 'QUOTE_SINGLE' ? `'${String(c.to).replace(/'/g, "''")}'` : String(c.to);
    edits.push({ start, end, text: quoted });
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  const parsed = parseConfigText(file, out, PlanConfig);
  if (!parsed.ok) throw new AppError('INTERNAL', `The proposed plan does not validate: ${formatProblem(parsed.problem)}`);
  return out;
}
