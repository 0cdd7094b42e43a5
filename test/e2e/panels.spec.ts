import { expect, test } from '@playwright/test';
import { startHostProcess, tempDataDir } from './hostProcess';

// Around the board, through the browser host: shots (add, rename, reorder, delete with confirmation),
// the queue panel (pause, a waiting job, cancel gives the credits back), the ledger panel, and the
// light theme.

test('shots, queue and ledger panels, and the light theme', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const data = tempDataDir();
  const host = await startHostProcess(data.dir);
  try {
    await page.goto(host.openUrl);
    await page.getByLabel('Project name').fill('Panels');
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Panels' })).toBeVisible();

    // Shots: add three, rename one, move one up, delete one after confirming.
    const shots = page.getByRole('list', { name: 'Shot list' });
    for (const n of ['Opening', 'Middle', 'End']) {
      await page.getByLabel('Shot name').fill(n);
      await page.getByRole('button', { name: 'Add shot' }).click();
      await expect(shots.getByText(n, { exact: false })).toBeVisible();
    }
    await page.getByRole('button', { name: 'Rename shot Middle' }).click();
    await page.getByLabel('New name for shot Middle').fill('Chase');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Move shot End up' }).click();
    await expect(shots.getByRole('listitem')).toHaveText([/1\. Opening/, /2\. End/, /3\. Chase/]);
    await page.getByRole('button', { name: 'Delete shot Opening' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete shot “Opening”?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(shots.getByRole('listitem')).toHaveCount(3);
    await page.getByRole('button', { name: 'Delete shot Opening' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete shot' }).click();
    await expect(shots.getByRole('listitem')).toHaveText([/1\. End/, /2\. Chase/]);
    // The board's shot tabs follow the sequence.
    await expect(page.getByRole('tablist', { name: 'Shots' }).getByRole('tab')).toHaveText(['All shots', '1. End', '2. Chase']);

    // Queue: pause it, generate, and the job waits holding its reservation; cancel gives it back.
    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.getByRole('button', { name: 'Pause queue' }).click();
    await expect(page.getByRole('button', { name: 'Resume queue' })).toBeVisible();
    await page.getByRole('tab', { name: 'Board' }).click();
    await page.getByLabel('Prompt').fill('Tide pools at low sun');
    await page.getByLabel('Variations').selectOption('2');
    await expect(page.locator('.estimate')).toContainText('Simulated credits 10,000 → 9,950');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect(page.getByRole('region', { name: 'Draft', exact: true }).getByRole('option')).toHaveCount(2);
    await expect(page.locator('.balance-summary')).toContainText('9,950');
    await page.getByRole('tab', { name: 'Queue' }).click();
    const waiting = page.getByRole('region', { name: 'Waiting' });
    await expect(waiting.getByRole('listitem')).toHaveCount(1);
    await page.screenshot({ path: testInfo.outputPath('queue-waiting.png') });
    await waiting.getByRole('button', { name: 'Cancel gen4_turbo job' }).click();
    await expect(waiting.getByRole('listitem')).toHaveCount(0);
    await expect(page.locator('.balance-summary')).toContainText('10,000');
    await page.getByRole('button', { name: 'Resume queue' }).click();

    // Ledger: balances per pool, and the reservation and its release in the history.
    await page.getByRole('tab', { name: 'Ledger' }).click();
    const balances = page.getByRole('table', { name: 'Balances' });
    await expect(balances).toContainText('Simulated credits · grant');
    await expect(balances).toContainText('10,000');
    await expect(page.getByRole('table', { name: 'History' })).toContainText('reserve');
    await page.screenshot({ path: testInfo.outputPath('ledger.png') });

    // Light theme, kept across a reload.
    await page.getByRole('button', { name: 'Light theme' }).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await page.getByRole('tab', { name: 'Board' }).click();
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await expect(page.getByRole('heading', { level: 1, name: 'Panels' })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('light-board.png') });
  } finally {
    await host.stop();
    data.cleanup();
  }
});
