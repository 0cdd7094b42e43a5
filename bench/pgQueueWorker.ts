// One worker of the PostgreSQL queue bench (bench/pgqueue.bench.ts), in its own process: a core opened as
// every door opens it (openCore: a studio's PostgreSQL when a database URL is given, else the data dir's
// SQLite), the queue on it with the zero-latency provider (bench/queueKit.ts). Prints `ready`; on the
// stdin line `go` it starts the queue and its SUBMITTERS callers submit COUNT distinct requests side by
// side; on `stop` (or stdin closing) it waits for its running jobs, prints one JSON line with each submit's
// latency in ms, the submits refused, and how often PostgreSQL made a transaction run again, and stops.
// Usage: node --import tsx bench/pgQueueWorker.ts DATA_DIR DATABASE_URL|- SUBMITTERS COUNT TAG
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { AppError } from '../shared/errors';
import { openCore } from '../electron/core/createCore';
import { PgEngine } from '../electron/core/db/engine/pgEngine';
import { createIds, silentLogger, systemClock } from '../electron/core/nodePorts';
import { QueueLock, SharedRunner } from '../electron/core/queue/queueLock';
import { benchQueue, benchRequest } from './queueKit';

const [dataDir, url, submittersArg, countArg, tag] = process.argv.slice(2) as [string, string, string, string, string];
const databaseUrl = url === '-' ? undefined : url;
const core = await openCore(
  { dataDir, appVersion: 'bench', isStrict: false, ...(databaseUrl ? { databaseUrl } : {}) },
  { clock: systemClock, ids: createIds(systemClock), logger: silentLogger, notifier: { notify: () => undefined } },
);
await core.money.reload();
const queue = benchQueue(core, dataDir, databaseUrl ? new SharedRunner() : new QueueLock(join(dataDir, 'bench-lock')));
const lines = createInterface({ input: process.stdin });
const latencies: number[] = [];
let refused = 0;
process.stdout.write('ready\n');
for await (const line of lines) {
  if (line.trim() !== 'go') break;
  await queue.start();
  const count = Number(countArg);
  let next = 0;
  const submitter = async () => {
    for (let i = next++; i < count; i = next++) {
      const t0 = performance.now();
      for (;;) {
        try {
          await queue.submit(benchRequest(`${tag} ${i}`));
          break;
        } catch (e) {
          if (!(e instanceof AppError && e.code === 'DB_UNAVAILABLE')) throw e;
          refused++;
        }
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Number(submittersArg) }, submitter));
}
await queue.idle();
process.stdout.write(`${JSON.stringify({ latencies, refused, retries: core.engine instanceof PgEngine ? core.engine.stats : null })}\n`);
await queue.dispose();
await core.dispose();
