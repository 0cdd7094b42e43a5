import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PlanConfig } from '../../../shared/money/planSchema';
import { ManualClock } from '../../../test/support/testClock';
import { parseConfigText } from '../money/configFile';
import { findResourcesDir } from '../money/resourcesDir';
import { ResilienceGate } from './providerGate';

// The plan's own sections (runway-api: 60 requests a minute, a burst of 5), on a clock that never moves:
// no token refills, so every token the gate hands out is one of the burst.
function gate(clock = new ManualClock(1_000_000)) {
  const text = readFileSync(join(findResourcesDir(), 'plans', 'runway-api.yaml'), 'utf8');
  const r = parseConfigText('plans/runway-api.yaml', text, PlanConfig);
  if (!r.ok) throw new Error(r.problem.message);
  expect(r.value.rate_limits).toMatchObject({ requests_per_minute: 60, burst: 5 });
  return new ResilienceGate({ clock, plan: () => r.value });
}

/** admit() with a deadline: a gate with no token left waits for one, which on this clock never comes. */
const admitNow = (g: ResilienceGate) => g.admit('runway', AbortSignal.timeout(100));

it('a permit whose request was never sent gives its token back; a used one does not', async () => {
  const g = gate();
  for (let i = 0; i < 20; i++) {
    const p = await admitNow(g);
    expect(p).not.toBeNull();
    p!.unused();
  }
  // All five of the burst are still there, and spent by requests that were sent. A permit ended once gives
  // nothing back when it is ended again.
  for (let i = 0; i < 5; i++) {
    const p = (await admitNow(g))!;
    p.success();
    p.unused();
    p.unused();
  }
  expect(await admitNow(g)).toBeNull();
});

it('a breaker that turns a caller away takes none of its tokens', async () => {
  const g = gate();
  g.forceOpen('runway');
  for (let i = 0; i < 10; i++) expect(await admitNow(g)).toBeNull();
  g.reset('runway');
  for (let i = 0; i < 5; i++) (await admitNow(g))!.release();
  expect(await admitNow(g)).toBeNull();
});
