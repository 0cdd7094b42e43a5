import { spawnSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { systemClock } from '../../electron/core/nodePorts';
import { testCore } from '../support/core';
import { startHostProcess, tempDataDir } from './hostProcess';
import { submitRequest } from '../support/parsed';

// Issue 15's culling room, as a filmmaker meets it: the loop taught at first launch; nothing typed
// lost across a tab change and a restart; a shot added in the sidebar selected in the form; Reuse
// stacking a new take on its source, numbered per shot; a failed job kept on the board with its
// reason and actions; an empty pool with a way out that works, a plan switch, and the history.

const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });
const cards = (page: Page, column: string) => region(page, column).getByRole('option');
const cli = (args: string[]) => spawnSync(process.execPath, ['bin/circletake.js', ...args], { encoding: 'utf8', timeout: 60_000 });

async function openProject(page: Page, url: string, name: string) {
  await page.goto(url);
  await page.getByRole('list', { name: 'Project list' }).getByRole('button', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

test('nothing typed is lost (tab change, restart); a new shot is selected; Reuse stacks a numbered take on its source', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const data = tempDataDir();
  let host = await startHostProcess(data.dir);
  try {
    await page.goto(host.openUrl);
    // First launch: the loop in one glance.
    const guide = page.getByRole('region', { name: 'How Circle Take works' });
    await expect(guide.getByRole('listitem')).toHaveText([/Draft/, /Check/, /Tag/, /Circle/, /Finalize/, /Export/]);
    await page.getByLabel('Project name').fill('Harbour');
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Harbour' })).toBeVisible();
    await expect(guide).toBeVisible();
    // Disabled says why, on hover and to a screen reader.
    const generate = page.getByRole('button', { name: 'Generate' });
    await expect(generate).toBeDisabled();
    await expect(generate).toHaveAttribute('title', /Prompt: describe the shot/);
    await expect(generate).toHaveAccessibleDescription(/Prompt: describe the shot/);
    await page.screenshot({ path: testInfo.outputPath('1-first-launch.png') });

    // A shot added in the sidebar is the one the form drafts for.
    await page.getByLabel('Shot name').fill('Opening');
    await page.getByRole('button', { name: 'Add shot' }).click();
    await expect(page.getByLabel('Shot', { exact: true }).locator('option:checked')).toHaveText('1. Opening');

    await page.getByLabel('Model').selectOption('gen4_turbo');
    await page.getByLabel('Duration').selectOption('2');
    await page.getByLabel('Ratio', { exact: true }).selectOption('1280:720');
    await page.getByLabel('Variations').selectOption('2');
    await page.getByLabel('Negative').fill('people');
    await page.getByLabel('Seed').fill('7');
    const saved = page.waitForResponse((r) => r.url().includes('/rpc/drafts.save') && r.request().postData()!.includes('boats at first light'));
    await page.getByLabel('Prompt').fill('A harbour, boats at first light');
    await saved;

    // A tab change unmounts the form: the draft is still there.
    await page.getByRole('tab', { name: 'Ledger' }).click();
    await page.getByRole('tab', { name: 'Board' }).click();
    await expect(page.getByLabel('Prompt')).toHaveValue('A harbour, boats at first light');

    // A restart of the host (a new process, a new port): still there.
    await host.stop();
    host = await startHostProcess(data.dir);
    await openProject(page, host.openUrl, 'Harbour');
    await expect(page.getByLabel('Prompt')).toHaveValue('A harbour, boats at first light');
    await expect(page.getByLabel('Negative')).toHaveValue('people');
    await expect(page.getByLabel('Seed')).toHaveValue('7');
    await expect(page.getByLabel('Variations')).toHaveValue('2');
    await expect(page.getByLabel('Shot', { exact: true }).locator('option:checked')).toHaveText('1. Opening');
    await page.screenshot({ path: testInfo.outputPath('2-after-restart.png') });

    await expect(generate).toBeEnabled();
    await generate.click();
    await expect(cards(page, 'Tag')).toHaveCount(2, { timeout: 90_000 });
    // Once a take exists the guide steps aside; takes are numbered in the shot, whatever the model.
    await expect(guide).toHaveCount(0);
    await expect(region(page, 'Tag').getByRole('option', { name: /^Take 1 · gen4_turbo/ })).toHaveCount(1);
    const second = region(page, 'Tag').getByRole('option', { name: /^Take 2 · gen4_turbo/ });
    await expect(second).toHaveCount(1);

    // Reuse on a take: its prompt, negative prompt, own seed, model and settings, one variation.
    await second.click();
    await page.getByRole('button', { name: 'Reuse take 2' }).click();
    await expect(page.getByText('Reusing Take 2')).toBeVisible();
    await expect(page.getByLabel('Prompt')).toHaveValue('A harbour, boats at first light');
    await expect(page.getByLabel('Negative')).toHaveValue('people');
    await expect(page.getByLabel('Seed')).toHaveValue(/^[78]$/);
    await expect(page.getByLabel('Variations')).toHaveValue('1');
    await expect(page.getByLabel('Model')).toHaveValue('gen4_turbo');
    await page.getByLabel('Prompt').fill('A harbour, boats at first light, closer');
    await expect(generate).toBeEnabled();
    await generate.click();
    const third = region(page, 'Tag').getByRole('option', { name: /^Take 3 \(from take 2\) · gen4_turbo/ });
    await expect(third).toHaveCount(1, { timeout: 90_000 });
    await expect(third.locator('.card-number')).toHaveText('T3 ↳2');
    await page.screenshot({ path: testInfo.outputPath('3-version-stack.png') });

    // The player says where the take comes from and offers Reuse too.
    await third.dblclick();
    const player = page.getByRole('dialog', { name: /^Take 3 · gen4_turbo/ });
    await expect(player).toContainText('take 3 of this shot, made from take 2');
    await expect(player.getByRole('button', { name: 'Reuse settings' })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('4-player.png') });
  } finally {
    await host.stop();
    data.cleanup();
  }
});

test('a failed job keeps a card on the board with its reason in plain words and its actions; the Queue badge counts it', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const data = tempDataDir();
  // A job the provider's moderation refuses (not retried), made before the app opens.
  const seeded = testCore({ dataDir: data.dir, clock: systemClock, config: { localSim: { failureRate: 1, failureCode: 'SAFETY.INPUT.TEXT', queueMs: 50 }, pollIntervalMs: { local: 20 } } });
  await seeded.core.queue.start();
  const params = { provider: 'local' as const, model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a storm over the pier', seed: 11 };
  const { jobId } = await seeded.core.queue.submit(submitRequest({ params, projectName: 'Storm', shotName: 'Pier' }));
  for (let i = 0; i < 500 && (await seeded.core.queue.get(jobId)).status !== 'failed'; i++) await new Promise((r) => setTimeout(r, 20));
  expect((await seeded.core.queue.get(jobId)).status).toBe('failed');
  await seeded.core.dispose();

  const host = await startHostProcess(data.dir);
  try {
    await openProject(page, host.openUrl, 'Storm');
    const problems = page.getByRole('list', { name: 'Jobs that need a decision' });
    const card = problems.getByRole('listitem', { name: 'Failed: 1× gen4_turbo' });
    await expect(card).toHaveAccessibleDescription(/moderation refused the prompt/);
    await expect(page.getByRole('tab', { name: /Queue/ })).toContainText('1 to decide');
    // A moderation refusal needs an edit, not the same request again.
    await expect(card.getByRole('button', { name: 'Retry', exact: true })).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath('failed-card.png') });

    // Edit & retry: the job's settings in the form, ready to change.
    await card.getByRole('button', { name: 'Edit & retry' }).click();
    await expect(page.getByLabel('Prompt')).toHaveValue('a storm over the pier');
    await expect(page.getByLabel('Seed')).toHaveValue('11');
    await expect(page.getByLabel('Shot', { exact: true }).locator('option:checked')).toHaveText('1. Pier');

    // Discard settles it: the card and the badge go.
    await card.getByRole('button', { name: 'Discard failed gen4_turbo job' }).click();
    await expect(problems).toHaveCount(0);
    await expect(page.getByRole('tab', { name: /Queue/ })).not.toContainText('to decide');
    await page.screenshot({ path: testInfo.outputPath('failed-discarded.png') });
  } finally {
    await host.stop();
    data.cleanup();
  }
});

test('no dead end at zero: the balance shows 0 and follows a change made elsewhere; the way out works; plan switch; history shows the adjustment', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const data = tempDataDir();
  const host = await startHostProcess(data.dir);
  try {
    await page.goto(host.openUrl);
    await page.getByLabel('Project name').fill('Broke');
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect(page.locator('.balance-summary')).toContainText('Simulated credits 10,000');
    await page.getByLabel('Prompt').fill('A quiet street at night');

    // Another process empties the pool; the header follows without a reload and stays at 0.
    const adjust = cli(['ledger', 'adjust', '--pool', 'local:grant', '--credits=-10000', '--reason', 'emptied for the e2e', '--data-dir', data.dir, '--json']);
    expect(adjust.status, adjust.stderr).toBe(0);
    await expect(page.locator('.balance-summary')).toContainText('Simulated credits 0');
    const generate = page.getByRole('button', { name: 'Generate' });
    const why = page.locator('#generate-why');
    await expect(why).toContainText('Not enough simulated credits');
    await expect(generate).toBeDisabled();
    await expect(generate).toHaveAccessibleDescription(/Not enough simulated credits/);
    await page.screenshot({ path: testInfo.outputPath('zero-refused.png') });

    // The way out, from the form: top up the simulation; Generate comes back.
    await why.getByRole('button', { name: /top up the simulation/ }).click();
    await expect(page.locator('.balance-summary')).toContainText('Simulated credits 10,000');
    await expect(generate).toBeEnabled();

    // The Ledger: every pool movement (the adjustment that emptied it, the top-up), and the plan switch.
    await page.getByRole('tab', { name: 'Ledger' }).click();
    const history = page.getByRole('table', { name: 'History' });
    await expect(history).toContainText('emptied for the e2e');
    await expect(history).toContainText('simulation top-up from the app');
    await page.getByLabel('Plan', { exact: true }).selectOption('runway-pro');
    await page.getByRole('button', { name: 'Switch plan' }).click();
    await expect(page.locator('.ledger .panel-head')).toContainText('Plan runway-pro');
    await expect(page.getByRole('button', { name: 'Switch plan' })).toBeDisabled();
    await page.screenshot({ path: testInfo.outputPath('ledger-after.png') });
  } finally {
    await host.stop();
    data.cleanup();
  }
});
