import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { systemClock } from '../../electron/core/nodePorts';
import { testCore } from '../support/core';
import { startHostProcess, tempDataDir } from './hostProcess';
import { submitRequest } from '../support/parsed';

// axe-core on the views the culling room changed: the board (draft form, cards, a failed job's
// card), the player, the queue, the ledger, and a reviewer's board. No serious or critical violation.

async function serious(page: Page, what: string): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${what}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
}

async function seed(dataDir: string): Promise<void> {
  // Two checked takes, and a job the provider refused (a card that needs a decision).
  const ok = spawnSync(
    process.execPath,
    ['bin/circletake.js', 'submit', '--data-dir', dataDir, '--project', 'Access', '--shot', 'Opening', '--wait', '--json', JSON.stringify({ model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a lighthouse', seed: 3, variations: 2 })],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(ok.status, ok.stderr).toBe(0);
  const bad = testCore({ dataDir, clock: systemClock, config: { localSim: { failureRate: 1, failureCode: 'SAFETY.INPUT.TEXT', queueMs: 50 }, pollIntervalMs: { local: 20 } } });
  await bad.core.queue.start();
  const { jobId } = await bad.core.queue.submit(submitRequest({ params: { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a storm', seed: 4 }, projectName: 'Access', shotName: 'Opening' }));
  for (let i = 0; i < 500 && (await bad.core.queue.get(jobId)).status !== 'failed'; i++) await new Promise((r) => setTimeout(r, 20));
  await bad.core.dispose();
}

test('board, player, queue and ledger have no serious or critical axe violations', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const data = tempDataDir();
  await seed(data.dir);
  const host = await startHostProcess(data.dir);
  try {
    await page.goto(host.openUrl);
    await page.getByRole('list', { name: 'Project list' }).getByRole('button', { name: 'Access', exact: true }).click();
    const tag = page.getByRole('region', { name: 'Tag', exact: true }).getByRole('option');
    await expect(tag).toHaveCount(2);
    await expect(tag.first().locator('.card-checks')).toHaveAttribute('aria-label', /Checks/);
    await expect(page.getByRole('list', { name: 'Jobs that need a decision' })).toBeVisible();
    const found: string[] = [];
    found.push(...(await serious(page, 'board')));
    await page.screenshot({ path: testInfo.outputPath('a11y-board.png') });

    await tag.first().dblclick();
    await expect(page.getByRole('dialog')).toBeVisible();
    found.push(...(await serious(page, 'player')));
    await page.keyboard.press('Escape');

    await page.getByRole('tab', { name: /Queue/ }).click();
    await expect(page.getByRole('heading', { name: 'Queue', exact: true })).toBeVisible();
    found.push(...(await serious(page, 'queue')));

    await page.getByRole('tab', { name: 'Ledger' }).click();
    await expect(page.getByRole('table', { name: 'History' })).toBeVisible();
    found.push(...(await serious(page, 'ledger')));
    await page.screenshot({ path: testInfo.outputPath('a11y-ledger.png') });
    expect(found).toEqual([]);
  } finally {
    await host.stop();
    data.cleanup();
  }
});

test('a reviewer’s board has no serious or critical axe violations, and shows no money', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const data = tempDataDir();
  await seed(data.dir);
  const review = spawn(process.execPath, ['bin/circletake.js', 'review', '--role', 'reviewer', '--name', 'Ana', '--json', '--data-dir', data.dir], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const info = JSON.parse(await new Promise<string>((r) => createInterface({ input: review.stdout! }).once('line', r))) as { link: string };
    await page.goto(info.link);
    await page.getByRole('list', { name: 'Project list' }).getByRole('button', { name: 'Access', exact: true }).click();
    const tag = page.getByRole('region', { name: 'Tag', exact: true }).getByRole('option');
    await expect(tag).toHaveCount(2);
    // No credits anywhere, no control a reviewer may not use, no failed-job decisions.
    await expect(page.locator('.card-credits')).toHaveCount(0);
    await expect(page.locator('.balance-summary')).toHaveCount(0);
    await expect(page.getByRole('group', { name: 'Shortlist rule' })).toHaveCount(0);
    await expect(page.getByRole('list', { name: 'Jobs that need a decision' })).toHaveCount(0);
    await expect(page.getByText(/\bcr\b|credits/i)).toHaveCount(0);
    const found = await serious(page, 'reviewer board');
    await tag.first().dblclick();
    const player = page.getByRole('dialog');
    await expect(player).toBeVisible();
    await expect(player).not.toContainText(/credits/i);
    await expect(player.getByRole('button', { name: 'Reuse settings' })).toHaveCount(0);
    found.push(...(await serious(page, 'reviewer player')));
    await page.screenshot({ path: testInfo.outputPath('a11y-reviewer-player.png') });
    expect(found).toEqual([]);
  } finally {
    review.kill('SIGTERM');
    data.cleanup();
  }
});
