import { expect, test } from '@playwright/test';
import { systemClock } from '../../electron/core/nodePorts';
import { testCore } from '../support/core';
import { submitRequest } from '../support/parsed';
import { startHostProcess, tempDataDir } from './hostProcess';

// Failures where the user is, live (issue 15 items 5 and 6): a job that fails in another process on
// the same data dir (here a second core in the test runner, which holds the queue and runs the job)
// reaches the owner's open board through the change feed — its failure card in the Draft column and
// a toast — without a reload.

test('a job failing in another process shows its card and a toast on the owner’s open board, without a reload', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const data = tempDataDir();
  // The other process: it takes the queue first (the host then only serves), and its simulator's
  // moderation refuses every prompt (not retried).
  const other = testCore({ dataDir: data.dir, clock: systemClock, config: { localSim: { failureRate: 1, failureCode: 'SAFETY.INPUT.TEXT', queueMs: 300 }, pollIntervalMs: { local: 20 } } });
  await other.core.queue.start();
  const project = await other.core.projects.create('Harbour');
  const shot = await other.core.shots.create(project.id, 'Pier');
  const host = await startHostProcess(data.dir);
  try {
    await page.goto(host.openUrl);
    await page.getByRole('list', { name: 'Project list' }).getByRole('button', { name: 'Harbour', exact: true }).click();
    await expect(page.getByRole('region', { name: 'Draft', exact: true })).toContainText('Nothing generating');
    // A mark on this document: a reload (or a navigation) would lose it.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));

    const params = { provider: 'local' as const, model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a gull over the pier', seed: 5 };
    const { jobId } = await other.core.queue.submit(submitRequest({ params, projectId: project.id, shotId: shot.id }));

    const problems = page.getByRole('list', { name: 'Jobs that need a decision' });
    const card = problems.getByRole('listitem', { name: 'Failed: 1× gen4_turbo' });
    await expect(card).toHaveAccessibleDescription(/moderation refused the prompt/);
    await expect(page.getByRole('alert').filter({ hasText: 'A gen4_turbo job failed' })).toContainText('See its card on the Board');
    await expect(page.getByRole('tab', { name: /Queue/ })).toContainText('1 to decide');
    expect((await other.core.queue.get(jobId)).status).toBe('failed');
    expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await page.screenshot({ path: testInfo.outputPath('live-failure.png') });
  } finally {
    await host.stop();
    await other.cleanup();
    data.cleanup();
  }
});
