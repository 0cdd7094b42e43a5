// A credit ledger over any engine, with the built-in plans (the active one: the install's default), for
// suites that run the ledger on both engines without a whole core. The plan registry keeps its settings
// (the chosen plan) on the same engine as the books.
import { CoreEvents } from '../../electron/core/coreEvents';
import type { SqlEngine } from '../../electron/core/db/engine/sqlEngine';
import { CreditLedger } from '../../electron/core/money/creditLedger';
import { MoneySettings } from '../../electron/core/money/moneySettings';
import { PlanRegistry } from '../../electron/core/money/planRegistry';
import { findResourcesDir } from '../../electron/core/money/resourcesDir';
import { silentLogger } from '../../electron/core/nodePorts';
import type { Clock } from '../../electron/core/ports';
import { FakeClock } from './core';
import { tempDir } from './tmp';

export interface LedgerOn {
  ledger: CreditLedger;
  plans: PlanRegistry;
  clock: FakeClock | Clock;
  /** Every credits.changed heard, by op id. */
  heard: string[];
  close(): Promise<void>;
}

export async function ledgerOn(engine: SqlEngine, clock: FakeClock | Clock = new FakeClock()): Promise<LedgerOn> {
  const tmp = tempDir('ct-ledger-on-');
  const plans = new PlanRegistry({ builtinDir: findResourcesDir(), dataDir: tmp.dir, clock, logger: silentLogger, settings: new MoneySettings(engine) });
  const events = new CoreEvents(silentLogger, false);
  const heard: string[] = [];
  events.subscribe((name, p) => {
    if (name === 'credits.changed') heard.push((p as { opId: string }).opId);
  });
  const ledger = new CreditLedger({ engine, events, clock, logger: silentLogger, notifier: { notify: () => undefined }, plan: () => plans.active().plan, planReady: plans.ready });
  await ledger.ready;
  return {
    ledger,
    plans,
    clock,
    heard,
    async close() {
      ledger.dispose();
      plans.dispose();
      tmp.cleanup();
    },
  };
}
