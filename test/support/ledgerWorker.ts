// A separate process reserving credits on a shared ledger (the cross-process L2 tests).
// Usage: node --import tsx test/support/ledgerWorker.ts <dataDir | postgres://…> <workerId> <count> <credits> <startAtMs> [concurrent]
// <dataDir>: the desktop's SQLite file in that folder. A postgres:// URL: a studio database (the plan is read
// from the built-in plans, the chosen one from the studio database's settings).
// Every worker waits for startAtMs so their loops overlap. `concurrent`: all reservations at once, not one by one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreEvents } from '../../electron/core/coreEvents';
import { Db } from '../../electron/core/db/db';
import { PgEngine } from '../../electron/core/db/engine/pgEngine';
import type { SqlEngine } from '../../electron/core/db/engine/sqlEngine';
import { CreditLedger } from '../../electron/core/money/creditLedger';
import { MoneySettings } from '../../electron/core/money/moneySettings';
import { PlanRegistry } from '../../electron/core/money/planRegistry';
import { findResourcesDir } from '../../electron/core/money/resourcesDir';
import { silentLogger, systemClock } from '../../electron/core/nodePorts';

const [where, workerId, count, credits, startAt, mode] = process.argv.slice(2) as [string, string, string, string, string, string | undefined];
const isPg = /^postgres(ql)?:\/\//.test(where);
const dataDir = isPg ? mkdtempSync(join(tmpdir(), 'ct-ledger-worker-')) : where;
const db = Db.open({ file: join(dataDir, 'circletake.db'), logger: silentLogger, clock: systemClock });
const engine: SqlEngine = isPg ? new PgEngine({ url: where, max: 8, applicationName: `ledger-worker-${workerId}` }) : db.engine;
const plans = new PlanRegistry({ builtinDir: findResourcesDir(), dataDir, clock: systemClock, logger: silentLogger, settings: new MoneySettings(engine) });
const ledger = new CreditLedger({
  engine,
  events: new CoreEvents(silentLogger, false),
  clock: systemClock,
  logger: silentLogger,
  notifier: { notify: () => undefined },
  plan: () => plans.active().plan,
  planReady: plans.ready,
});
await ledger.ready;
while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 2));
const firstAt = Date.now();
let ok = 0;
let refused = 0;
const refusedPools = new Set<string>();
const one = async (i: number) => {
  try {
    await ledger.reserve({ id: `w${workerId}-${i}`, jobId: `job-${workerId}-${i}`, projectId: null, stage: 'generate', artifactClass: 'preview', amounts: { local: Number(credits) } });
    ok++;
  } catch (e) {
    if ((e as { code?: string }).code !== 'INSUFFICIENT_CREDITS') throw e;
    refusedPools.add(String((e as { details?: { pool?: string } }).details?.pool ?? (e as Error).message));
    refused++;
  }
};
if (mode === 'concurrent') await Promise.all(Array.from({ length: Number(count) }, (_, i) => one(i)));
else for (let i = 0; i < Number(count); i++) await one(i);
ledger.dispose();
await engine.close();
db.dispose();
if (isPg) rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ ok, refused, refusedPools: [...refusedPools], firstAt, lastAt: Date.now() })}\n`);
