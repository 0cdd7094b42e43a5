import { expect, test } from '@playwright/test';
import { startHostProcess, tempDataDir } from './hostProcess';

// A draft that was made before says "free — cached" before Generate, and Generate charges nothing.
test('the same draft again is free, and the form says so before anything is spent', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const data = tempDataDir();
  const host = await startHostProcess(data.dir);
  try {
    await page.goto(host.openUrl);
    await page.getByLabel('Project name').fill('Cache');
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect(page.locator('.balance-move').first()).toBeVisible();
    await page.getByLabel('Model').selectOption('gen4_turbo');
    await page.getByLabel('Duration').selectOption('2');
    await page.getByLabel('Prompt').fill('Rain on a tin roof, close up');
    await page.getByLabel('Seed').fill('11');
    await expect(page.locator('.estimate')).toContainText('10 credits');
    await expect(page.locator('.estimate .cached')).toHaveCount(0);
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect(page.getByRole('region', { name: 'Tag', exact: true }).getByRole('option')).toHaveCount(1, { timeout: 60_000 });
    await expect(page.locator('.balance-summary')).toContainText('9,990');

    // Same settings: the form finds the finished job before anything is spent.
    await page.getByLabel('Prompt').fill('Rain on a tin roof, close up ');
    await expect(page.locator('.estimate .cached')).toContainText('free — cached');
    await expect(page.locator('.estimate-total')).toContainText('Free — cached');
    await expect(page.locator('.balance-move').first()).toContainText('9,990 → 9,990');
    await page.screenshot({ path: testInfo.outputPath('cache-hint.png') });
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'free — cached' }).first()).toBeVisible();
    await expect(page.locator('.balance-summary')).toContainText('9,990');
    await expect(page.getByRole('region', { name: 'Tag', exact: true }).getByRole('option')).toHaveCount(1);

    // New creative intent: no hint.
    await page.getByLabel('Seed').fill('12');
    await expect(page.locator('.estimate .cached')).toHaveCount(0);
  } finally {
    await host.stop();
    data.cleanup();
  }
});
