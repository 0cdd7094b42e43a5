import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect, test, type Page } from '@playwright/test';
import { startHostProcess, tempDataDir } from './hostProcess';

// Live (issue 15 item 5): the owner on the browser host and a reviewer on the review server, two
// processes on one data dir, two browser contexts at once. A tag on either side shows on the other
// without a reload; so does a take made by a third process (the CLI). The spec proves it arrives (the
// pages are never reloaded); how fast (p95 under 1 s) is measured by `npm run bench live`, since the
// standards keep timing out of tests.

const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });
const cards = (page: Page, column: string) => region(page, column).getByRole('option');

function submit(dataDir: string, variations: number, seed: number) {
  const r = spawnSync(
    process.execPath,
    ['bin/circletake.js', 'submit', '--data-dir', dataDir, '--project', 'Live', '--wait', '--json', JSON.stringify({ model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'two sessions', seed, variations })],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.status, r.stderr).toBe(0);
}

test('a reviewer’s tag shows on the owner’s board without a reload, and the owner’s on the reviewer’s', async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  const data = tempDataDir();
  submit(data.dir, 2, 3);
  const host = await startHostProcess(data.dir);
  const review = spawn(process.execPath, ['bin/circletake.js', 'review', '--role', 'reviewer', '--name', 'Ana', '--json', '--data-dir', data.dir], { stdio: ['ignore', 'pipe', 'ignore'] });
  const ownerCtx = await browser.newContext();
  const reviewerCtx = await browser.newContext();
  try {
    const info = JSON.parse(await new Promise<string>((r) => createInterface({ input: review.stdout! }).once('line', r))) as { link: string };
    const owner = await ownerCtx.newPage();
    const reviewer = await reviewerCtx.newPage();
    await owner.goto(host.openUrl);
    await reviewer.goto(info.link);
    for (const page of [owner, reviewer]) {
      await page.getByRole('list', { name: 'Project list' }).getByRole('button', { name: 'Live', exact: true }).click();
      await expect(cards(page, 'Tag')).toHaveCount(2);
      // A mark on this document: a reload (or a navigation) would lose it.
      await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    }

    // The reviewer picks the first take: the owner's board moves it to the shortlist, no reload.
    await cards(reviewer, 'Tag').first().click();
    await reviewer.keyboard.press('p');
    await expect(cards(reviewer, 'Shortlist').first()).toContainText('promising · Ana');
    await expect(cards(owner, 'Shortlist').first()).toContainText('promising · Ana');
    await expect(cards(owner, 'Tag')).toHaveCount(1);

    // And back: the owner discards the other take; the reviewer sees the verdict.
    await cards(owner, 'Tag').first().click();
    await owner.keyboard.press('x');
    await expect(cards(reviewer, 'Tag').first()).toContainText('discard · owner');

    // A take made by a third process (the CLI) appears on both boards as it lands.
    submit(data.dir, 1, 4);
    await expect(cards(owner, 'Tag')).toHaveCount(2);
    await expect(cards(reviewer, 'Tag')).toHaveCount(2);
    for (const page of [owner, reviewer]) expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await owner.screenshot({ path: testInfo.outputPath('live-owner.png') });
    await reviewer.screenshot({ path: testInfo.outputPath('live-reviewer.png') });
  } finally {
    await ownerCtx.close();
    await reviewerCtx.close();
    review.kill('SIGTERM');
    await host.stop();
    data.cleanup();
  }
});
