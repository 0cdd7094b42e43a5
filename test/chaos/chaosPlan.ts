import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Core } from '../../electron/core/createCore';
import { submitRequest } from '../support/parsed';

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

/**
 * A soak's opening: the chaos plan activated in the core's data dir, credits bought, and `count` Runway jobs
 * submitted and acknowledged by this process (1 or 2 variations, 2–4 s, drawn from `rnd`). Returns their ids.
 */
export async function chaosJobs(core: Core, dataDir: string, count: number, rnd: () => number, model = 'gen4.5'): Promise<string[]> {
  mkdirSync(join(dataDir, 'plans'), { recursive: true });
  writeFileSync(join(dataDir, 'plans', 'chaos-api.yaml'), chaosPlan(core.config.resourcesDir ?? join(process.cwd(), 'resources')));
  await core.money.reload();
  await core.money.activate('chaos-api');
  await core.ledger.purchase({ id: 'chaos-buy', surface: 'api', credits: 200_000 });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = await core.queue.submit(submitRequest({
      params: { provider: 'runway', model, durationSec: 2 + Math.floor(rnd() * 3), ratio: '1280:720', prompt: `chaos shot ${i}`, seed: i, variations: rnd() < 0.2 ? 2 : 1 },
      projectName: 'Chaos',
    }));
    ids.push(r.jobId);
  }
  return ids;
}

/** The fake Runway's faults in both soaks: random 429s, 5xxs, resets and hangs around creates and reads, failed and refunded tasks. */
export const chaosFaults = (seed: number) => ({
  seed,
  create: { p429: 0.08, p5xxBefore: 0.04, p5xxAfter: 0.02, pResetAfter: 0.01, pHangAfter: 0.005 },
  read: { p429: 0.05, p5xx: 0.05, pReset: 0.02 },
  pFailed: 0.1,
  pRefund: 0.05,
});
