// Another process on the same data dir (for the live-feed tests): opens its own core, makes one
// contract call as the owner, prints the result and exits (disposing core flushes its change feed).
// Usage: node --import tsx test/support/liveWorker.ts <dataDir> <callName> <inputJson>
import { createCore } from '../../electron/core/createCore';
import { createIds, silentLogger, systemClock } from '../../electron/core/nodePorts';

const [dataDir, name, input] = process.argv.slice(2) as [string, string, string];
const core = createCore(
  { dataDir, appVersion: '0.0.0-test', isStrict: true },
  { clock: systemClock, ids: createIds(systemClock), logger: silentLogger, notifier: { notify: () => undefined } },
);
const r = await core.dispatch(name, JSON.parse(input), { role: 'owner', door: 'cli' });
await core.dispose();
process.stdout.write(`${JSON.stringify(r)}\n`);
process.exit(r.ok ? 0 : 1);
