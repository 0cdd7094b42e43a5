import { type AppError } from '../../shared/errors';
import { GenerationParams, type GenerationParamsInput } from '../../shared/jobParams';
import type { Logger } from '../../electron/core/ports';
import type { TaskState } from '../../electron/core/providers/provider';
import { RunwayProvider, type RunwayProviderOptions } from '../../electron/core/providers/runway';
import { FakeRunway, type FakeRunwayOptions } from './fakeRunway';

export const PROMPT = 'a lighthouse keeper waves at a passing ferry in fog';

export interface Harness {
  fake: FakeRunway;
  provider: RunwayProvider;
  /** Every log line the provider wrote, serialised. */
  logs: string[];
  signal: AbortSignal;
  params(p?: Partial<GenerationParamsInput>): GenerationParams;
  /** Polls get() until a terminal state, collecting every status seen. */
  settle(taskId: string, opts?: { everyMs?: number; limit?: number }): Promise<{ final: TaskState; seen: string[] }>;
  stop(): Promise<void>;
}

/** A real SDK-backed RunwayProvider pointed at a fresh fake Runway. */
export async function runwayHarness(fakeOpts: FakeRunwayOptions = {}, providerOpts: Partial<RunwayProviderOptions> = {}): Promise<Harness> {
  const fake = await FakeRunway.start({ fast: true, ...fakeOpts });
  const logs: string[] = [];
  const logger: Logger = { log: (level, msg, fields) => logs.push(JSON.stringify({ level, msg, ...fields })) };
  const provider = new RunwayProvider({ keySource: { getKey: async () => fake.key }, baseURL: fake.baseUrl, logger, clock: { now: () => Date.now() }, ...providerOpts });
  const signal = new AbortController().signal;
  return {
    fake,
    provider,
    logs,
    signal,
    params: (p = {}) => GenerationParams.parse({ provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', prompt: PROMPT, ...p }),
    async settle(taskId, { everyMs = 15, limit = 400 } = {}) {
      const seen: string[] = [];
      for (let i = 0; i < limit; i++) {
        const s = await provider.get(taskId, signal);
        if (seen.at(-1) !== s.status) seen.push(s.status);
        if (s.status === 'SUCCEEDED' || s.status === 'FAILED' || s.status === 'CANCELLED') return { final: s, seen };
        await new Promise((r) => setTimeout(r, everyMs));
      }
      throw new Error(`task ${taskId} did not finish; saw ${seen.join(' → ')}`);
    },
    async stop() {
      provider.dispose();
      await fake.stop();
    },
  };
}

/** What a rejected promise threw (fails the test if it resolved). */
export async function thrown<T extends Error = AppError>(p: Promise<unknown>): Promise<T> {
  try {
    await p;
  } catch (e) {
    return e as T;
  }
  throw new Error('expected a rejection');
}
