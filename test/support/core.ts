import { createCore, type Core as AnyCore, type LocalCore as Core, type CoreConfig } from '../../electron/core/createCore';
import { createIds, silentLogger } from '../../electron/core/nodePorts';
import type { Clock, Logger, Ports } from '../../electron/core/ports';
import { tempDir } from './tmp';

/** A clock tests can move. */
export class FakeClock implements Clock {
  constructor(public t = Date.parse('2026-11-22T10:00:00Z')) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export function testPorts(clock: Clock = new FakeClock()): Ports & { notices: string[] } {
  const notices: string[] = [];
  return { clock, ids: createIds(clock), logger: silentLogger, notifier: { notify: (t, b) => notices.push(`${t}: ${b}`) }, notices };
}

/** A real core on a temp-file SQLite database. */
export function testCore(opts: { dataDir?: string; clock?: Clock; config?: Partial<CoreConfig>; logger?: Logger } = {}): { core: Core; dataDir: string; cleanup(): Promise<void> } {
  const tmp = opts.dataDir ? null : tempDir('ct-core-');
  const dataDir = opts.dataDir ?? tmp!.dir;
  const ports = testPorts(opts.clock);
  const core = createCore({ dataDir, appVersion: '0.0.0-test', isStrict: true, ...opts.config }, opts.logger ? { ...ports, logger: opts.logger } : ports);
  return {
    core,
    dataDir,
    async cleanup() {
      await core.dispose();
      tmp?.cleanup();
    },
  };
}

const OPEN = ['queued', 'running', 'paused'];

/** Waits (real time) until no job is queued, running or paused, then until the queue and auto-check are idle. */
export async function settleAll(core: AnyCore, tries = 3000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (!(await core.queue.list()).some((j) => OPEN.includes(j.status))) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await core.queue.idle();
  await core.takeChecks.idle();
}

/** Brings one job to an end on a fake clock, moving it past any retry backoff; throws if it never ends. */
export async function settleJob(core: AnyCore, clock: FakeClock, jobId: string): Promise<Awaited<ReturnType<AnyCore['queue']['get']>>> {
  for (let i = 0; i < 1000; i++) {
    if (!OPEN.includes((await core.queue.get(jobId)).status)) {
      await core.queue.idle();
      await core.takeChecks.idle();
      return await core.queue.get(jobId);
    }
    clock.advance(10 * 60_000);
    core.queue.kick();
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${jobId} did not settle: ${JSON.stringify(await core.queue.get(jobId))}`);
}
