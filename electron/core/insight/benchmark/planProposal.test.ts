import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PlanConfig } from '../../../../shared/money/planSchema';
import { applyChanges, proposedChanges } from './planProposal';

const file = join(import.meta.dirname, '..', '..', '..', '..', 'resources', 'plans', 'runway-free.yaml');
const text = readFileSync(file, 'utf8');
const plan = PlanConfig.parse(parse(text));

describe('proposedChanges', () => {
  it('always moves checked_at and version on', () => {
    expect(proposedChanges({ plan, day: '2026-11-22', maxConcurrent: null, rateLimited: 0 })).toEqual([
      { path: 'plan.checked_at', from: plan.plan.checked_at, to: '2026-11-22', why: 'the benchmark re-verified this plan today' },
      { path: 'plan.version', from: 1, to: 2, why: 'a re-verified plan is a new version' },
    ]);
  });

  it('lowers concurrency to the limit the provider reported, never raises it', () => {
    const down = proposedChanges({ plan, day: '2026-11-22', maxConcurrent: 1, rateLimited: 0 }).slice(2);
    // runway-free: max_concurrent_jobs 2, concurrency start 1, max 2.
    expect(down.map((c) => [c.path, c.from, c.to])).toEqual([
      ['quotas.max_concurrent_jobs', 2, 1],
      ['concurrency.max', 2, 1],
    ]);
    expect(down[0]!.why).toBe('the provider allows 1 task at once for this model');
    expect(proposedChanges({ plan, day: '2026-11-22', maxConcurrent: 5, rateLimited: 0 })).toHaveLength(2);
  });

  it('halves the request rate after rate-limit refusals, keeping the burst within it', () => {
    const slow = { ...plan, rate_limits: { ...plan.rate_limits, requests_per_minute: 4, burst: 3 } };
    expect(proposedChanges({ plan: slow, day: '2026-11-22', maxConcurrent: null, rateLimited: 3 }).slice(2).map((c) => [c.path, c.from, c.to, c.why])).toEqual([
      ['rate_limits.requests_per_minute', 4, 2, '3 create calls were refused for the rate limit at 4/min'],
      ['rate_limits.burst', 3, 2, 'a burst may not exceed the per-minute rate'],
    ]);
    const unlimited = { ...plan, rate_limits: { ...plan.rate_limits, requests_per_minute: null } };
    expect(proposedChanges({ plan: unlimited, day: '2026-11-22', maxConcurrent: null, rateLimited: 3 })).toHaveLength(2);
  });
});

describe('applyChanges', () => {
  it('edits only the changed values, keeping comments, quoting and layout', () => {
    const changes = proposedChanges({ plan, day: '2026-11-22', maxConcurrent: 1, rateLimited: 2 });
    const out = applyChanges(file, text, changes);
    const before = text.split('\n');
    const after = out.split('\n');
    expect(after).toHaveLength(before.length);
    const changed = after.map((l, i) => (l === before[i] ? null : [before[i], l])).filter(Boolean);
    expect(changed).toEqual([
      ['  version: 1', '  version: 2'],
      [`  checked_at: "${plan.plan.checked_at}"`, '  checked_at: "2026-11-22"'],
      ['  max_concurrent_jobs: 2', '  max_concurrent_jobs: 1'],
      ['  requests_per_minute: 12', '  requests_per_minute: 6'],
      ['  max: 2', '  max: 1'],
    ]);
    expect(PlanConfig.parse(parse(out))).toMatchObject({ plan: { version: 2, checked_at: '2026-11-22' }, quotas: { max_concurrent_jobs: 1 } });
  });

  it('refuses a change to a value the file does not have, or one that would not validate', () => {
    expect(() => applyChanges(file, text, [{ path: 'plan.colour', from: null, to: 'red', why: 'x' }])).toThrow(/no value at plan.colour/);
    expect(() => applyChanges(file, text, [{ path: 'plan.version', from: 1, to: -3, why: 'x' }])).toThrow(/does not validate: .*plan\.version/);
  });
});
