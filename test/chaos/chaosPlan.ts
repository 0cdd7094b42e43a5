import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The chaos soaks' plan: Runway's API plan renamed chaos-api, with a fast rate, short backoff and room for
 * 8 jobs and 8 tasks at once per worker, so the limits a soak proves are the fake's tier, not the plan's.
 */
export function chaosPlan(resources: string): string {
  const base = readFileSync(join(resources, 'plans', 'runway-api.yaml'), 'utf8');
  return base
    .replace(/name: runway-api\n/, 'name: chaos-api\n')
    .replace(/\n\s*default: true/, '')
    .replace(/requests_per_minute: \d+/, 'requests_per_minute: 6000')
    .replace(/burst: \d+/, 'burst: 20')
    .replace(/backoff: \{[^}]*\}/, 'backoff: { initial_ms: 20, max_ms: 300, jitter: true, max_retries: 6 }')
    .replace(/max_concurrent_jobs: \d+/, 'max_concurrent_jobs: 8')
    .replace(/concurrency:\n  start: \d+\n  max: \d+/, 'concurrency:\n  start: 8\n  max: 8');
}
