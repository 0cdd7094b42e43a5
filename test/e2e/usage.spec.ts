import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type { LocalCore } from '../../electron/core/createCore';
import { FakeClock, testCore } from '../support/core';
import { joinAs } from '../support/members';
import { startHostProcess, tempDataDir } from './hostProcess';

// Usage over time in the Costs tab (issue 18 item 3), in Chromium against a real browser host: three
// members and the owner spent on two projects over the last days (written by the real ledger), a row
// each with a bar a day; then a member's job reserved by another process shows up as held, live.

const DAY = 86_400_000;
const job = (id: string, credits: number, projectId: string, userId?: string) => ({ id: `res-${id}`, jobId: id, projectId, ...(userId ? { userId } : {}), stage: 'generate' as const, artifactClass: 'preview' as const, amounts: { local: credits } });

async function spend(core: LocalCore, clock: FakeClock, daysAgo: number, id: string, credits: number, projectId: string, userId?: string): Promise<void> {
  clock.t = Date.now() - daysAgo * DAY;
  await core.ledger.capture((await core.ledger.reserve(job(id, credits, projectId, userId))).id, credits);
}

test('the Costs tab shows usage by member and by project over time, and follows the books live', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const data = tempDataDir();
  const clock = new FakeClock(Date.now() - 12 * DAY);
  const seeded = testCore({ dataDir: data.dir, clock });
  const core = seeded.core;
  const ana = (await joinAs(core, 'filmmaker', 'Ana Lima')).memberId!;
  const ben = (await joinAs(core, 'filmmaker', 'Ben Okafor')).memberId!;
  const cleo = (await joinAs(core, 'producer', 'Cleo Park')).memberId!;
  const dunes = (await core.projects.create('Dunes')).id;
  const kites = (await core.projects.create('Kites')).id;
  let n = 0;
  const plan: [number, number, string, string | undefined][] = [
    [12, 180, dunes, ana], [10, 240, dunes, ana], [9, 60, kites, ben], [7, 320, dunes, ana], [6, 120, kites, ben], [5, 90, kites, cleo],
    [4, 150, kites, ben], [3, 260, dunes, ana], [2, 40, dunes, undefined], [1, 200, kites, ben], [1, 110, dunes, cleo], [0, 70, dunes, ana],
  ];
  for (const [daysAgo, credits, projectId, userId] of plan) await spend(core, clock, daysAgo, `j${++n}`, credits, projectId, userId);
  await seeded.cleanup();

  const host = await startHostProcess(data.dir);
  try {
    await page.setViewportSize({ width: 1440, height: 1600 });
    await page.goto(host.openUrl);
    await page.getByRole('list', { name: 'Project list' }).getByRole('button', { name: 'Dunes', exact: true }).click();
    await page.getByRole('tab', { name: 'Costs' }).click();
    const members = page.getByRole('region', { name: 'Usage by member' });
    const table = members.getByRole('table', { name: /^Usage by member, / });
    await expect(table.getByRole('rowheader')).toHaveText(['Ana Lima', 'Ben Okafor', 'Cleo Park', 'Studio owner', 'Total']);
    await expect(table.getByRole('row', { name: /^Ana Lima/ }).getByRole('cell').nth(1)).toHaveText('1,070');
    await expect(table.getByRole('img', { name: /^Ana Lima, .*: 1,070 credits charged; most on / })).toBeVisible();
    await expect(table.getByRole('row', { name: /^Total/ }).getByRole('cell').nth(1)).toHaveText('1,840');
    expect(await table.getByRole('img', { name: /^Ana Lima/ }).locator('rect.u-charged').count()).toBe(5);
    const projects = page.getByRole('region', { name: 'Usage by project' });
    await expect(projects.getByRole('rowheader')).toHaveText(['Dunes', 'Kites', 'Total']);

    // 7 days: Ana's spend 10 and 12 days ago drops out.
    await page.getByRole('radiogroup', { name: 'Usage range' }).getByRole('radio', { name: '7 days' }).click();
    await expect(table.getByRole('row', { name: /^Ana Lima/ }).getByRole('cell').nth(1)).toHaveText('330');
    await page.getByRole('radiogroup', { name: 'Usage range' }).getByRole('radio', { name: '30 days' }).click();
    await expect(table.getByRole('row', { name: /^Ana Lima/ }).getByRole('cell').nth(1)).toHaveText('1,070');
    await members.screenshot({ path: testInfo.outputPath('usage-members.png') });
    await page.getByRole('region', { name: 'Usage over time' }).screenshot({ path: testInfo.outputPath('usage.png') });

    // Another process reserves for Ben: his row shows it held, without a reload.
    const other = testCore({ dataDir: data.dir, clock: { now: () => Date.now() } });
    try {
      await other.core.ledger.reserve(job('live', 75, kites, ben));
    } finally {
      await other.cleanup();
    }
    await expect(table.getByRole('row', { name: /^Ben Okafor/ }).getByRole('cell').nth(2)).toHaveText('75', { timeout: 10_000 });
    await expect(table.getByRole('img', { name: /^Ben Okafor, .*: 530 credits charged, 75 held;/ })).toBeVisible();
    await page.getByRole('region', { name: 'Usage over time' }).screenshot({ path: testInfo.outputPath('usage-live.png') });
    await page.screenshot({ path: testInfo.outputPath('costs-usage.png'), fullPage: true });
    const axe = await new AxeBuilder({ page }).include('.usage').analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((x) => x.target.join(' ')).join(', ')}`)).toEqual([]);
  } finally {
    await host.stop();
    data.cleanup();
  }
});
