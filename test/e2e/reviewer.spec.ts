import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect, test } from '@playwright/test';
import { tempDataDir } from './hostProcess';

// A reviewer link from the review server: the board and tagging, nothing that spends or shows money.
test('a reviewer link sees the board and tags, without the draft form, money or queue', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const data = tempDataDir();
  const submit = spawnSync(
    process.execPath,
    ['bin/circletake.js', 'submit', '--data-dir', data.dir, '--project', 'Review', '--wait', '--json', JSON.stringify({ model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'for review', seed: 3, variations: 2 })],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(submit.status).toBe(0);
  const review = spawn(process.execPath, ['bin/circletake.js', 'review', '--role', 'reviewer', '--name', 'Ana', '--json', '--data-dir', data.dir], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const info = JSON.parse(await new Promise<string>((r) => createInterface({ input: review.stdout! }).once('line', r))) as { link: string };
    await page.goto(info.link);
    await page.getByRole('list', { name: 'Project list' }).getByRole('button', { name: 'Review', exact: true }).click();
    const tag = page.getByRole('region', { name: 'Tag', exact: true }).getByRole('option');
    await expect(tag).toHaveCount(2);
    await expect(page.getByText('reviewer link')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Generate' })).toHaveCount(0);
    await expect(page.getByRole('tab', { name: 'Ledger' })).toHaveCount(0);
    await expect(page.getByRole('tab', { name: 'Queue' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Create project' })).toHaveCount(0);
    await tag.first().click();
    await page.keyboard.press('p');
    await expect(page.getByRole('region', { name: 'Shortlist', exact: true }).getByRole('option').first()).toContainText('promising · Ana');
    await expect(page.getByRole('region', { name: 'Shortlist', exact: true }).getByRole('button', { name: /Finalize/ })).toHaveCount(0);
    await expect(page.getByRole('alert')).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath('reviewer.png') });
  } finally {
    review.kill('SIGTERM');
    data.cleanup();
  }
});
