// What the queue benches share: a provider that answers at once, a plan loose enough never to pace the
// bench, and the queue built on a core's engine the way createCore builds it, with that provider and a
// media port that stores nothing (storing clips is media's cost, measured by the check bench).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Core } from '../electron/core/createCore';
import { silentLogger, systemClock } from '../electron/core/nodePorts';
import type { Provider, TaskState } from '../electron/core/providers/provider';
import { JobQueue } from '../electron/core/queue/jobQueue';
import { ResilienceGate } from '../electron/core/queue/providerGate';
import type { RunnerLock } from '../electron/core/queue/queueLock';
import { queueMoney } from '../electron/core/queue/queueWiring';
import { FileKeys } from '../electron/core/security/fileKeys';
import { PromptVault } from '../electron/core/security/promptVault';
import { submitRequest } from '../test/support/parsed';

export function zeroLatencyProvider(): Provider {
  let seq = 0;
  return {
    id: 'local',
    isSimulation: true,
    validate: () => undefined,
    create: async () => ({ taskId: `t-${process.pid}-${++seq}`, estimatedCredits: 25 }),
    get: async (): Promise<TaskState> => ({ status: 'SUCCEEDED', outputs: ['zero://out'], costCredits: 25 }),
    cancel: async () => undefined,
    // Zero latency includes the transfer: the no-op media port never reads the file, and writing one
    // would time the disk (measured by the check bench), not the queue.
    download: async () => undefined,
    dispose: () => undefined,
  };
}

/** Writes the bench plan (runway-api with limits far above the bench) into the data dir's plans. */
export function writeBenchPlan(dir: string): void {
  const plan = readFileSync(join(process.cwd(), 'resources', 'plans', 'runway-api.yaml'), 'utf8')
    .replace(/name: runway-api\n/, 'name: bench\n')
    .replace(/\n\s*default: true/, '')
    .replace(/requests_per_minute: \d+/, 'requests_per_minute: 10000000')
    .replace(/burst: \d+/, 'burst: 100000')
    .replace(/max_concurrent_jobs: \d+/, 'max_concurrent_jobs: 8')
    .replace(/concurrency:\n  start: \d+\n  max: \d+/, 'concurrency:\n  start: 8\n  max: 8');
  mkdirSync(join(dir, 'plans'), { recursive: true });
  writeFileSync(join(dir, 'plans', 'bench.yaml'), plan);
}

/** The queue on `core`'s engine with the zero-latency provider; `dir` holds the prompt key (shared by every worker). */
export function benchQueue(core: Core, dir: string, lock: RunnerLock): JobQueue {
  let stored = 0;
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  return new JobQueue({
    engine: core.engine,
    projects: core.projects,
    shots: core.shots,
    takes: core.takes,
    providers: new Map([['local', zeroLatencyProvider()]]),
    money: queueMoney(core.money, core.ledger, core.plans),
    media: {
      tempDir: () => join(dir, 'tmp'),
      storeOutput: async () => ({ artifactId: `art_bench${process.pid}_${++stored}`, path: '', durationSec: 5, width: 1280, height: 720 }),
    },
    vault: new PromptVault(new FileKeys(dir)),
    gate: new ResilienceGate({ clock: systemClock, plan: () => core.plans.active().plan }),
    events: core.events,
    clock: systemClock,
    ids: core.ports.ids,
    logger: silentLogger,
    backoff: () => 10,
    pollIntervalMs: () => 0,
    onTakeStored: () => undefined,
    lock,
    tierPlan: () => core.plans.active().plan,
    tickMs: 5,
  });
}

/** One bench request: distinct prompts, so no submit is answered from the cache. */
export function benchRequest(tag: string) {
  return submitRequest({ params: { provider: 'local', model: 'gen4_turbo', durationSec: 5, ratio: '1280:720', prompt: `bench ${tag}` }, projectName: 'Bench' });
}
