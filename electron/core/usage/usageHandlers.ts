import type { usageCalls } from '../../../shared/contract/usage';
import type { Core } from '../createCore';
import type { Handlers } from '../dispatch';
import { UsageService } from './usageService';

/** Usage over time (spend.usage): reads the ledger's running totals on the core's engine. Spread into handlers.ts. */
export function usageHandlers(core: Pick<Core, 'engine' | 'ports'>): Pick<Handlers, keyof typeof usageCalls> {
  const usage = new UsageService({ engine: core.engine, clock: core.ports.clock });
  return {
    'spend.usage': (req) => usage.usage(req),
  };
}
