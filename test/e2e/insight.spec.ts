import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Core } from '../../electron/core/createCore';
import { systemClock } from '../../electron/core/nodePorts';
import { testCore } from '../support/core';
import { startHostProcess, tempDataDir } from './hostProcess';
import { submitRequest } from '../support/parsed';

// The dashboards with real data from the local simulator: the quarterly benchmark, then drafts with
// simulated failures and throttling, reviewers' tags, a finalize of the shortlist (release renders),
// a cache hit and a project budget — all through the real core — then the browser host, the Costs tab.

async function settle(core: Core, ids: string[]): Promise<void> {
  for (;;) {
    const open = (await Promise.all(ids.map((id) => core.queue.get(id)))).filter((j) => ['queued', 'running', 'paused'].includes(j.status)).map((j) => j.id);
    if (open.length === 0) break;
    await core.queue.idle();
    await new Promise((r) => setTimeout(r, 50));
  }
  await core.takeChecks.idle();
}

async function makeHistory(dataDir: string): Promise<{ projectId: string }> {
  // Core A: the benchmark on a healthy simulator.
  const a = testCore({ dataDir, clock: systemClock, config: { localSim: { queueMs: 150, fps: 12 }, pollIntervalMs: { local: 30 } } });
  await a.core.queue.start();
  await a.core.benchmark.run({ provider: 'local', isConfirmed: false });
  await a.core.dispose();

  // Core B: a flaky simulator (failures are refunded, some tasks sit throttled).
  const b = testCore({ dataDir, clock: systemClock, config: { localSim: { queueMs: 400, failureRate: 0.3, throttleRate: 0.4, throttleMs: 900, fps: 12 }, pollIntervalMs: { local: 30 } } });
  const core = b.core;
  await core.queue.start();
  const draft = (seed: number) => ({ provider: 'local' as const, model: 'gen4_turbo', durationSec: 5, ratio: '1280:720', variations: 2, prompt: `harbour at dawn, take ${seed}`, seed });
  const jobs = [];
  for (let i = 1; i <= 5; i++) jobs.push((await core.queue.submit(submitRequest({ params: draft(i), projectName: 'Harbour spot', shotName: i <= 3 ? 'Opening' : 'Ending' }))).jobId);
  await settle(core, jobs);
  const projectId = (await core.projects.findByName('Harbour spot'))!.id;
  // The same intent again: a cache hit.
  await core.queue.submit(submitRequest({ params: draft(1), projectName: 'Harbour spot', shotName: 'Opening' }));
  const takes = (await core.takes.list(projectId)).filter((t) => t.artifactClass === 'preview' && t.checkStatus !== 'pending');
  await core.board.tag(takes.slice(0, 3).map((t) => t.id), 'promising', 'ana');
  if (takes[3]) (await core.board.tag([takes[3].id], 'discard', 'ben'));
  const plan = await core.finalizer.plan(projectId);
  const run = await core.finalizer.run(projectId, plan.items.map((i) => i.takeId), plan.totalCredits);
  await settle(core, run.jobIds);
  const finals = (await core.takes.list(projectId)).filter((t) => t.artifactClass === 'release');
  await core.board.markPublished(finals.slice(0, 2).map((t) => t.id), 'export-1');
  await core.ledger.setProjectBudget(projectId, 1_500);
  await b.cleanup();
  return { projectId };
}

test('the Costs tab shows the dashboards over real simulator data', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  const data = tempDataDir();
  await makeHistory(data.dir);
  const host = await startHostProcess(data.dir);
  try {
    await page.setViewportSize({ width: 1440, height: 2200 });
    await page.goto(host.openUrl);
    await page.getByRole('list', { name: 'Project list' }).getByRole('button', { name: 'Harbour spot', exact: true }).click();
    await page.getByRole('tab', { name: 'Costs' }).click();

    const recs = page.getByRole('region', { name: /Recommendations/ });
    await expect(recs.getByRole('listitem')).toHaveCount(5);
    await expect(page.getByRole('img', { name: /^Credits per day by stage/ })).toBeVisible();
    await expect(page.getByRole('table', { name: 'p95 by model and status' })).toContainText('gen4_turbo');
    await expect(page.getByRole('table', { name: 'Estimate vs actual by model and picture' })).toContainText('gen4.5');
    await expect(page.getByRole('article', { name: /Forecast for Simulated credits/ })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Quarterly benchmark' })).toContainText('credits/s');

    // The figures are the core's: the total matches the report the CLI door gives for the same range.
    const spent = page.locator('.figures dt', { hasText: 'Spent (net of refunds)' }).locator('xpath=following-sibling::dd');
    await expect(spent).not.toHaveText('0');

    // Switch the learned rate on for the benchmarked model: never silently, so it is a click.
    const learned = page.getByLabel('Use the learned rate for local gen4.5');
    await expect(learned).not.toBeChecked();
    await learned.click();
    await expect(page.locator('.notices')).toContainText('Estimates for gen4.5 now use the learned rate.');
    await expect(learned).toBeChecked();

    // A per-project threshold.
    await page.getByLabel("Notify when this project's spend passes (credits)").fill('400, 900');
    await page.getByRole('button', { name: 'Save thresholds' }).click();
    await expect(page.locator('.notices')).toContainText('You will be told when this project passes 400, 900 credits.');
    await expect(page.getByLabel("Notify when this project's spend passes (credits)")).toHaveValue('400, 900');

    await page.getByRole('radio', { name: 'This project' }).click();
    await expect(page.getByRole('radio', { name: 'This project' })).toHaveAttribute('aria-checked', 'true');
    await page.getByRole('radio', { name: 'All projects' }).click();
    await expect(page.getByRole('radio', { name: 'All projects' })).toHaveAttribute('aria-checked', 'true');
    await page.locator('.insight-grid').waitFor();
    // Let the info notices fade so the picture shows the dashboards.
    await expect(page.locator('.notice')).toHaveCount(0, { timeout: 15_000 });
    const shot = testInfo.outputPath('insight-dashboards.png');
    await page.screenshot({ path: shot, fullPage: true });
    mkdirSync(join('test-results'), { recursive: true });
    copyFileSync(shot, join('test-results', 'insight-dashboards.png'));
  } finally {
    await host.stop();
    data.cleanup();
  }
});
