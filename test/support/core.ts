import { createCore, type Core, type CoreConfig } from '../../electron/core/createCore';
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
