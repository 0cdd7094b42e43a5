// A separate process reserving credits in a loop on a shared data dir (for the cross-process L2 test).
// Usage: node --import tsx test/support/ledgerWorker.ts <dataDir> <workerId> <count> <credits> <startAtMs>
// Every worker waits for startAtMs so their loops overlap.
import { join } from 'node:path';
import { CoreEvents } from '../../electron/core/coreEvents';
import { Db } from '../../electron/core/db/db';
import { CreditLedger } from '../../electron/core/money/creditLedger';
import { MoneySettings } from '../../electron/core/money/moneySettings';
import { PlanRegistry } from '../../electron/core/money/planRegistry';
import { findResourcesDir } from '../../electron/core/money/resourcesDir';
import { silentLogger, systemClock } from '../../electron/core/nodePorts';

const [dataDir, workerId, count, credits, startAt] = process.argv.slice(2) as [string, string, string, string, string];
const db = Db.open({ file: join(dataDir, 'circletake.db'), logger: silentLogger, clock: systemClock });
const plans = new PlanRegistry({ builtinDir: findResourcesDir(), dataDir, clock: systemClock, logger: silentLogger, settings: new MoneySettings(db) });
const ledger = new CreditLedger({
  db,
  events: new CoreEvents(silentLogger, false),
  clock: systemClock,
  logger: silentLogger,
  notifier: { notify: () => undefined },
  plan: () => plans.active().plan,
});
while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 2));
const firstAt = Date.now();
let ok = 0;
let refused = 0;
for (let i = 0; i < Number(count); i++) {
  try {
    ledger.reserve({ id: `w${workerId}-${i}`, jobId: `job-${workerId}-${i}`, projectId: null, stage: 'generate', artifactClass: 'preview', amounts: { local: Number(credits) } });
    ok++;
  } catch (e) {
    if ((e as { code?: string }).code !== 'INSUFFICIENT_CREDITS') throw e;
    refused++;
  }
}
ledger.dispose();
db.dispose();
process.stdout.write(`${JSON.stringify({ ok, refused, firstAt, lastAt: Date.now() })}\n`);
