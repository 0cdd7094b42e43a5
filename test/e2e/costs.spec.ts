import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { systemClock } from '../../electron/core/nodePorts';
import { testCore } from '../support/core';
import { startHostProcess, tempDataDir } from './hostProcess';
import { submitRequest } from '../support/parsed';

// Costs that don't cry wolf (issue 15 item 10): a fresh project explores (6 renders, 2 shipped) — the
// rerender trigger is past its threshold but says Watch, with the evidence it has and needs, not Act;
// the forecast starts at today's balance; times read one way, in local time. axe-core finds no
// serious or critical violation on the Costs and Ledger views.

async function explore(dataDir: string): Promise<void> {
  const { core, cleanup } = testCore({ dataDir, clock: systemClock, config: { localSim: { queueMs: 50, fps: 12 }, pollIntervalMs: { local: 30 } } });
  await core.queue.start();
  const jobs = [];
  for (let seed = 1; seed <= 3; seed++) {
    const params = { provider: 'local' as const, model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', variations: 2, prompt: `a quiet street, try ${seed}`, seed };
    jobs.push((await core.queue.submit(submitRequest({ params, projectName: 'Exploring', shotName: 'Opening' }))).jobId);
  }
  while ((await Promise.all(jobs.map((id) => core.queue.get(id)))).some((j) => ['queued', 'running', 'paused'].includes(j.status))) await new Promise((r) => setTimeout(r, 50));
  await core.takeChecks.idle();
  const projectId = (await core.projects.findByName('Exploring'))!.id;
  await core.board.markPublished((await core.takes.list(projectId)).slice(0, 2).map((t) => t.id), 'export-1');
  await cleanup();
}

async function expectNoSeriousViolations(page: Page, what: string): Promise<void> {
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, `${what}: serious or critical axe violations`).toEqual([]);
}

test('exploration is watched, not acted on; the forecast starts at the balance; one time format; no serious axe findings', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const data = tempDataDir();
  await explore(data.dir);
  const host = await startHostProcess(data.dir);
  try {
    await page.setViewportSize({ width: 1440, height: 2000 });
    await page.goto(host.openUrl);
    await page.getByRole('list', { name: 'Project list' }).getByRole('button', { name: 'Exploring', exact: true }).click();
    await page.getByRole('tab', { name: 'Costs' }).click();

    const recs = page.getByRole('region', { name: /Recommendations/ });
    await expect(recs.getByRole('listitem')).toHaveCount(5);
    const rerender = recs.getByRole('listitem', { name: 'Wasteful iteration: watch, too little evidence to act' });
    await expect(rerender).toContainText('6 renders for 2 shipped assets in the last 7 days');
    await expect(rerender).toContainText('Evidence: 2 assets shipped in the last 7 days; acts on at least 5.');
    await expect(rerender).not.toContainText('A cost bug');
    await expect(recs.getByRole('listitem', { name: /: act$/ })).toHaveCount(0);

    // The burn-down starts at the pool's balance today (granted today): no point below it, no rise from 0.
    const chart = page.getByRole('article', { name: /Forecast for Simulated credits/ }).getByRole('img');
    await expect(chart).toHaveAttribute('aria-label', /: 9,940 now/);
    const ys = await chart.locator('path.line').evaluateAll((paths) => paths.flatMap((p) => [...(p.getAttribute('d') ?? '').matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]))));
    const today = Number(await chart.locator('circle.today').getAttribute('cy'));
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(today - 0.5);

    // One time format, local: "as of Dec 3, 4:05 AM" (en-US), not an ISO stamp.
    await expect(page.locator('.insight-head, main').getByText(/^as of /)).toHaveText(/^as of [A-Z][a-z]{2} \d{1,2}, \d{1,2}:\d{2}\s?[AP]M$/);
    await expect(page.locator('main')).not.toContainText(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    await page.screenshot({ path: testInfo.outputPath('costs.png'), fullPage: true });
    await expectNoSeriousViolations(page, 'Costs');

    await page.getByRole('tab', { name: 'Ledger' }).click();
    await expect(page.getByRole('heading', { name: /Ledger|Balances/ }).first()).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('ledger.png'), fullPage: true });
    await expectNoSeriousViolations(page, 'Ledger');
  } finally {
    await host.stop();
    data.cleanup();
  }
});
