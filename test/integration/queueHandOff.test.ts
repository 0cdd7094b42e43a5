import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { benchQueue, benchRequest, writeBenchPlan } from '../../bench/queueKit';
import { createCore } from '../../electron/core/createCore';
import { createIds, silentLogger, systemClock } from '../../electron/core/nodePorts';
import { QueueLock } from '../../electron/core/queue/queueLock';
import { tempDir } from '../support/tmp';

// Slots handed on together: when several jobs end in one group commit, the slots they free are claimed by
// one claim in that commit (one pick for all), not one claim each. The queue here is the bench's: a provider
// that answers at once and a media port that stores nothing, so the 8 slots move in step and end together.
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('claims the slots of jobs that end in the same commit in one claim, and runs every job once', async () => {
  const tmp = tempDir('ct-handoff-');
  cleanups.push(tmp.cleanup);
  const dir = tmp.dir;
  const core = createCore({ dataDir: dir, appVersion: 'test', isStrict: false }, { clock: systemClock, ids: createIds(systemClock), logger: silentLogger, notifier: { notify: () => undefined } });
  cleanups.push(() => core.dispose());
  writeBenchPlan(dir); // 8 slots, limits far above this test
  await core.money.reload();
  await core.money.activate('bench');
  mkdirSync(join(dir, 'lock'), { recursive: true });
  const queue = benchQueue(core, dir, new QueueLock(join(dir, 'lock')));
  cleanups.push(() => queue.dispose());
  const sizes: number[] = [];
  const claimWithTasks = queue.repo.claimWithTasks.bind(queue.repo);
  queue.repo.claimWithTasks = async (q, max, ...rest) => {
    const claimed = await claimWithTasks(q, max, ...rest);
    if (claimed.length > 0) sizes.push(claimed.length);
    return claimed;
  };
  const ids: string[] = [];
  for (let i = 0; i < 24; i++) ids.push((await queue.submit(benchRequest(`hand-off ${i}`))).jobId);
  await queue.start();
  for (let i = 0; i < 400 && (await Promise.all(ids.map((id) => queue.get(id)))).some((j) => j.status !== 'succeeded'); i++) await new Promise((r) => setTimeout(r, 10));
  await queue.idle();
  const jobs = await Promise.all(ids.map((id) => queue.get(id)));
  expect(jobs.map((j) => j.status)).toEqual(ids.map(() => 'succeeded'));
  expect(jobs.every((j) => j.attempts === 1 && j.capturedCredits === 25)).toBe(true);
  // Every job claimed once; after the first claim (8 slots), slots freed together were claimed together.
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(24);
  expect(sizes[0]).toBe(8);
  expect(Math.max(...sizes.slice(1))).toBeGreaterThan(1);
  expect(sizes.length).toBeLessThan(24 - 8 + 1);
  expect((await core.ledger.audit()).ok).toBe(true);
});
