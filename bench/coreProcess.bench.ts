// The desktop's core in its own process (issue 18 item 5): what the relay costs a contract call, and
// what it buys main's thread.
//   1. `projects.list` calls per second through SupervisedCore to the core process (a Node child
//      speaking electron/utility/protocol.ts, as the utilityProcess does), against the same call
//      dispatched in-process (how Electron main ran it before);
//   2. main's longest event-loop block (perf_hooks) during a burst of concurrent calls: in-process the
//      core's work runs on main's thread; with the core process main only relays — but it still decodes
//      every answer, so a burst of large answers blocks main too (Node's child IPC here; Electron's
//      parentPort differs). Answers going straight to the renderer over a MessagePort would remove that.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createCore } from '../electron/core/createCore';
import { createIds, silentLogger, systemClock } from '../electron/core/nodePorts';
import { SupervisedCore } from '../electron/main/supervisedCore';
import { forkCore } from '../test/support/forkCore';
import { tempDir } from '../test/support/tmp';
import { fmt, measure, printRatio } from './support';

const CALLS = 300;
const PROJECTS = 200;
const owner = { role: 'owner', door: 'electron' } as const;

/** The longest main's event loop was held up while the burst ran (a timer late by that much). */
async function loopDelayMaxMs(burst: () => Promise<unknown>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await burst();
  await new Promise((r) => setTimeout(r, 20)); // let the sampling timer see the last block
  h.disable();
  return h.max / 1e6;
}

export default async function run(): Promise<void> {
  const data = tempDir('ct-bench-coreproc-');
  const core = createCore({ dataDir: data.dir, appVersion: 'bench', isStrict: false }, { clock: systemClock, ids: createIds(systemClock), logger: silentLogger, notifier: { notify: () => undefined } });
  for (let i = 0; i < PROJECTS; i++) await core.projects.create(`Project ${i}`);
  const viaProcess = await SupervisedCore.start({
    spawn: () => forkCore().handle,
    config: { dataDir: data.dir, appVersion: 'bench', isStrict: false, runwayKeyFromMain: false, hasDialogs: false, rendererDir: null, logLevel: 'info' },
    services: { runwayKey: async () => null, pickFolder: async () => null, notify: () => undefined, progress: () => undefined },
    logger: silentLogger,
  });
  try {
    const calls = (call: (n: string, i: unknown) => Promise<unknown>) => async () => {
      for (let i = 0; i < CALLS; i++) await call('projects.list', {});
      return CALLS;
    };
    const relayed = await measure(`projects.list (${PROJECTS} projects) via the core process`, 'calls/s', calls((n, i) => viaProcess.call(n, i, owner)));
    const inProcess = await measure(`projects.list (${PROJECTS} projects) in-process (baseline)`, 'calls/s', calls((n, i) => core.dispatch(n, i, owner)));
    printRatio(relayed, inProcess, 'the relay costs a call well under a millisecond');

    const burst = (call: (n: string, i: unknown) => Promise<unknown>) => () => Promise.all(Array.from({ length: CALLS }, () => call('projects.list', {})));
    const lagProcess = await loopDelayMaxMs(burst((n, i) => viaProcess.call(n, i, owner)));
    const lagInProcess = await loopDelayMaxMs(burst((n, i) => core.dispatch(n, i, owner)));
    console.log(`  main's longest event-loop block during ${CALLS} concurrent calls: core process ${fmt(lagProcess)} ms, in-process ${fmt(lagInProcess)} ms`);
  } finally {
    await viaProcess.dispose();
    await core.dispose();
    data.cleanup();
  }
}
