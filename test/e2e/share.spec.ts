import { spawnSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { startHostProcess, tempDataDir } from './hostProcess';

// "Share for review" (issue 15 item 5): the owner makes a reviewer link in the app, with a QR code
// and a copy button; the reviewer opens it in another browser context and tags, live on the owner's
// board; the owner revokes it and the reviewer's next action is refused.

const cards = (page: Page, column: string) => page.getByRole('region', { name: column, exact: true }).getByRole('option');

test('share a reviewer link from the app, watch it work live, revoke it', async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  const data = tempDataDir();
  const made = spawnSync(
    process.execPath,
    ['bin/circletake.js', 'submit', '--data-dir', data.dir, '--project', 'Shared', '--wait', '--json', JSON.stringify({ model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'to share', seed: 5, variations: 2 })],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(made.status, made.stderr).toBe(0);
  const host = await startHostProcess(data.dir);
  const ownerCtx = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const reviewerCtx = await browser.newContext();
  try {
    const owner = await ownerCtx.newPage();
    await owner.goto(host.openUrl);
    await owner.getByRole('list', { name: 'Project list' }).getByRole('button', { name: 'Shared', exact: true }).click();
    await expect(cards(owner, 'Tag')).toHaveCount(2);

    await owner.getByRole('button', { name: 'Share for review' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Share for review' });
    await expect(dialog.getByText('No live links.')).toBeVisible();
    await dialog.getByLabel('Who is it for').fill('Rita');
    await expect(dialog.getByRole('radio', { name: /Reviewer/ })).toBeChecked();
    await dialog.getByRole('button', { name: 'Make link' }).click();
    const link = dialog.getByLabel('Review link');
    await expect(link).toHaveValue(new RegExp(`^${host.url}#token=[0-9a-f]{64}$`));
    await expect(dialog.getByRole('img', { name: 'QR code of the link for Rita' })).toBeVisible();
    await dialog.getByRole('button', { name: 'Copy link' }).click();
    await expect(dialog.getByRole('button', { name: 'Copy link' })).toHaveText('Copied');
    const url = await link.inputValue();
    expect(await owner.evaluate(() => navigator.clipboard.readText())).toBe(url);
    await expect(dialog.getByRole('list', { name: 'Live links' }).getByRole('listitem')).toHaveCount(1);
    await owner.screenshot({ path: testInfo.outputPath('share-dialog.png') });
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The reviewer opens the link: the board, as a reviewer, and their tag lands on the owner's board.
    const reviewer = await reviewerCtx.newPage();
    await reviewer.goto(url);
    await expect(reviewer.getByText('reviewer link')).toBeVisible();
    await reviewer.getByRole('list', { name: 'Project list' }).getByRole('button', { name: 'Shared', exact: true }).click();
    await cards(reviewer, 'Tag').first().click();
    await reviewer.keyboard.press('p');
    // It arrives without a reload (how fast is `npm run bench live`'s to measure, not a test's).
    await expect(cards(owner, 'Shortlist').first()).toContainText('promising · Rita');

    // Revoked: gone from the list, and the reviewer's next tag is refused (the socket closed too).
    await owner.getByRole('button', { name: 'Share for review' }).click();
    await dialog.getByRole('button', { name: 'Revoke Rita’s link' }).click();
    await expect(dialog.getByText('No live links.')).toBeVisible();
    await cards(reviewer, 'Tag').first().click();
    await reviewer.keyboard.press('x');
    await expect(reviewer.getByRole('alert').first()).toContainText(/token/i);
    await expect(cards(owner, 'Tag').first()).not.toContainText('discard');
    await reviewer.screenshot({ path: testInfo.outputPath('share-revoked-reviewer.png') });
  } finally {
    await ownerCtx.close();
    await reviewerCtx.close();
    await host.stop();
    data.cleanup();
  }
});
