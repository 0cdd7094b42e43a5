// The "other process" of the live bench: its own core on the bench's data dir; per stdin line
// `<takeId> <tag>`, it tags the take as "Bench" and prints the wall time just before the call.
import { createInterface } from 'node:readline';
import { createCore } from '../electron/core/createCore';
import { createIds, silentLogger, systemClock } from '../electron/core/nodePorts';

const core = createCore(
  { dataDir: process.argv[2]!, appVersion: 'bench', isStrict: false },
  { clock: systemClock, ids: createIds(systemClock), logger: silentLogger, notifier: { notify: () => undefined } },
);
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const [takeId, tag] = line.trim().split(' ') as [string, string];
  const t0 = Date.now();
  const r = await core.dispatch('tags.add', { takeIds: [takeId], tag, author: 'Bench' }, { role: 'owner', door: 'cli' });
  process.stdout.write(`${JSON.stringify({ t0, ok: r.ok })}\n`);
}
await core.dispose();
