// A queue runner process for the chaos tests: opens the core on CT_DATA_DIR (SQLite), or on the studio's
// PostgreSQL named by CIRCLETAKE_DATABASE_URL (many such workers share one queue; give them the same
// CT_DATA_DIR so they share the prompt key), runs the queue, and waits to be killed. CT_BREAKER_OPEN=<provider>
// starts it with that provider's breaker forced open. Runway is the fake server at RUNWAYML_BASE_URL with
// RUNWAYML_API_SECRET.
import { openCore } from '../../electron/core/createCore';
import { createNodePorts } from '../../electron/core/nodePorts';
import type { ProviderId } from '../../shared/money/params';

const dataDir = process.env.CT_DATA_DIR;
if (!dataDir) throw new Error('CT_DATA_DIR is required');
const databaseUrl = process.env.CIRCLETAKE_DATABASE_URL || undefined;
const core = await openCore(
  { dataDir, appVersion: 'chaos', isStrict: true, pollIntervalMs: { runway: 15, local: 15 }, leaseMs: 3_000, ...(databaseUrl ? { databaseUrl } : {}) },
  createNodePorts({ quiet: process.env.CT_VERBOSE !== '1' }),
);
// C4: a worker whose provider breaker is forced open (the plan's reset is minutes away, past its life).
if (process.env.CT_BREAKER_OPEN) core.gate.forceOpen(process.env.CT_BREAKER_OPEN as ProviderId);
const isRunner = await core.queue.start();
process.stdout.write(`${isRunner ? 'running' : 'not-runner'}\n`);
setInterval(() => undefined, 60_000);
process.on('SIGTERM', () => {
  void core.dispose().then(() => process.exit(0));
});
