import { afterEach, expect, it } from 'vitest';
import type { CallContext } from '../../electron/core/dispatch';
import { systemClock } from '../../electron/core/nodePorts';
import { testCore } from '../support/core';
import { callAs, joinAs } from '../support/members';

// A dead letter retried is held to its submitter's limits (issue 18 item 3), whoever retries it, and the
// new reservation is counted as the submitter's again. Real core, the local simulator failing on purpose.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

it("holds a retried job to its submitter's limits and keeps it counted as theirs", { timeout: 60_000 }, async () => {
  const t = testCore({ clock: systemClock, config: { localSim: { failureRate: 1, failureCode: 'SAFETY.INPUT.TEXT', queueMs: 0 }, pollIntervalMs: { local: 15 } } });
  cleanups.push(t.cleanup);
  const core = t.core;
  const owner: CallContext = { role: 'owner', door: 'cli' };
  const fay = await joinAs(core, 'filmmaker', 'Fay');
  const { jobId } = await callAs<{ jobId: string }>(core, 'jobs.submit', { params: { provider: 'local', model: 'gen4_turbo', durationSec: 5, ratio: '1280:720', prompt: 'a kite', seed: 1 }, projectName: 'Dunes' }, fay);
  await core.queue.start();
  for (;;) {
    if ((await core.queue.get(jobId)).status === 'failed') break;
    await new Promise((r) => setTimeout(r, 30));
  }
  const cost = (await core.queue.get(jobId)).estimatedCredits;
  await callAs(core, 'credits.setUserLimits', { userId: fay.memberId, monthly: cost - 1 }, owner);
  for (const who of [fay, owner]) {
    const r = await core.dispatch('jobs.retry', { id: jobId }, who);
    expect(r.ok ? null : r.error).toMatchObject({ code: 'POLICY_REFUSED', details: { rule: 'budgets.user', member: fay.memberId, shortfall: 1 } });
  }
  expect((await core.queue.get(jobId)).status).toBe('failed');
  await callAs(core, 'credits.setUserLimits', { userId: fay.memberId, monthly: cost }, owner);
  await callAs(core, 'jobs.retry', { id: jobId }, owner);
  expect((await core.ledger.reservationsForJob(jobId)).map((r) => r.userId)).toEqual([fay.memberId, fay.memberId]);
});
