import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { lookupBinary } from '../../electron/core/media/ffmpeg/binaries';
import { rpc, startStudio, stopStudio, type Studio } from './studioProcess';

// Issue 18 at the team's scale, in three browser contexts at once against one studio: `circletake studio --dev`
// (a throwaway PostgreSQL, an S3-compatible store and one queue worker, all started here). The admin invites
// a filmmaker, a reviewer and a producer; each opens their invite link in their own browser and becomes that
// member. The filmmaker generates from the draft form; the reviewer's tag shows on the filmmaker's board
// within 1 s; the producer, on the same pool, finalizes the pick at release spec and exports it, downloading
// the files the studio kept; each screen offers only what its role may do; a revoked reviewer is cut off at once.

const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });
const cards = (page: Page, column: string) => region(page, column).getByRole('option');

// Stopped after each test even when the test timed out (a finally inside the test body may not get to run).
let running: Studio | null = null;
test.afterEach(async () => {
  if (running) await stopStudio(running);
  running = null;
});

test('a filmmaker, a reviewer and a producer on one studio: join by invite, generate, tag live, finalize, export, revoke', async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const studio = (running = await startStudio());
  const filmmakerCtx = await browser.newContext();
  const reviewerCtx = await browser.newContext();
  const producerCtx = await browser.newContext({ acceptDownloads: true });
  try {
    await rpc(studio, 'projects.create', { name: 'Harbour' });
    const fay = await rpc<{ secret: string }>(studio, 'studio.invite', { role: 'filmmaker', name: 'Fay' });
    const rae = await rpc<{ secret: string }>(studio, 'studio.invite', { role: 'reviewer', name: 'Rae' });
    const pia = await rpc<{ secret: string }>(studio, 'studio.invite', { role: 'producer', name: 'Pia' });

    const filmmaker = await filmmakerCtx.newPage();
    const reviewer = await reviewerCtx.newPage();
    const producer = await producerCtx.newPage();
    await filmmaker.goto(`${studio.url}#invite=${fay.secret}`);
    await reviewer.goto(`${studio.url}#invite=${rae.secret}`);
    await producer.goto(`${studio.url}#invite=${pia.secret}`);
    for (const page of [filmmaker, reviewer, producer]) {
      // The secret is gone from the address bar; the page is the member's.
      expect(page.url()).not.toContain('invite=');
      await page.getByRole('list', { name: 'Project list' }).getByRole('button', { name: 'Harbour', exact: true }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Harbour' })).toBeVisible();
      await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    }
    await expect(filmmaker.locator('.role-badge')).toHaveText('filmmaker');
    await expect(reviewer.locator('.role-badge')).toHaveText('reviewer');
    await expect(producer.locator('.role-badge')).toHaveText('producer');
    await expect(reviewer.locator('.connection-badge')).toHaveText('Studio — Rae (reviewer)');
    await expect(producer.locator('.connection-badge')).toHaveText('Studio — Pia (producer)');
    // Only the filmmaker generates: the reviewer and the producer get no draft form and no Generate.
    for (const page of [reviewer, producer]) {
      await expect(page.getByText('New draft')).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Generate' })).toHaveCount(0);
    }
    // The reviewer sees no money; the filmmaker and the producer see the studio's one pool.
    await expect(reviewer.locator('.balance-summary')).toHaveCount(0);
    await expect(filmmaker.locator('.balance-summary')).toBeVisible();
    await expect(producer.locator('.balance-summary')).toHaveText((await filmmaker.locator('.balance-summary').textContent())!);

    // The filmmaker generates two takes from the draft form; the studio's worker renders them.
    // The draft form starts open for whoever may generate.
    await expect(filmmaker.getByLabel('Prompt')).toBeVisible();
    await filmmaker.getByLabel('Model').selectOption('gen4_turbo');
    await filmmaker.getByLabel('Duration').selectOption('2');
    await filmmaker.getByLabel('Prompt').fill('A harbour crane at dawn');
    await filmmaker.getByLabel('Variations').selectOption('2');
    await filmmaker.getByRole('button', { name: 'Generate' }).click();
    await expect(cards(filmmaker, 'Tag')).toHaveCount(2, { timeout: 120_000 });
    await expect(cards(reviewer, 'Tag')).toHaveCount(2, { timeout: 30_000 });
    await expect(cards(producer, 'Tag')).toHaveCount(2, { timeout: 30_000 });
    // The filmmaker's spend is the producer's too: one pool, the same balance on both screens.
    await expect(producer.locator('.balance-summary')).toHaveText((await filmmaker.locator('.balance-summary').textContent())!);
    await filmmaker.screenshot({ path: testInfo.outputPath('studio-filmmaker.png') });

    // The reviewer picks one: it reaches the filmmaker's shortlist within 1 s, no reload.
    await cards(reviewer, 'Tag').first().click();
    const tagged = reviewer.waitForResponse((r) => r.url().endsWith('/rpc/tags.add'));
    await reviewer.keyboard.press('p');
    expect((await tagged).status()).toBe(200);
    // From the studio's answer (the tag is made) to the filmmaker's screen: under 1 s.
    const picked = Date.now();
    await expect(cards(filmmaker, 'Shortlist').first()).toContainText('promising · Rae', { timeout: 1_000 });
    expect(Date.now() - picked).toBeLessThan(1_000);
    await expect(cards(producer, 'Shortlist').first()).toContainText('promising · Rae');
    await reviewer.screenshot({ path: testInfo.outputPath('studio-reviewer.png') });
    // The producer forces the other take into the shortlist too (S: shortlist.set); every board follows.
    await cards(producer, 'Tag').first().click();
    await producer.keyboard.press('s');
    for (const page of [producer, filmmaker, reviewer]) await expect(cards(page, 'Shortlist')).toHaveCount(2);

    // Finalizing is the producer's: the filmmaker and the reviewer are not offered it (nor the shortlist rule).
    const finalizeButton = (page: Page) => region(page, 'Shortlist').getByRole('button', { name: /^Finalize/ });
    await expect(finalizeButton(producer)).toHaveText('Finalize 2');
    await expect(producer.getByRole('group', { name: 'Shortlist rule' })).toBeVisible();
    for (const page of [filmmaker, reviewer]) {
      await expect(finalizeButton(page)).toHaveCount(0);
      await expect(page.getByRole('group', { name: 'Shortlist rule' })).toHaveCount(0);
    }
    // The producer re-renders both at release spec, paid from the same pool.
    await finalizeButton(producer).click();
    const confirm = producer.getByRole('dialog', { name: 'Finalize 2 takes' });
    await expect(confirm.locator('.balance-move')).toBeVisible();
    await confirm.getByRole('button', { name: 'Finalize 2 takes' }).click();
    const released = ['release checked ✓', 'release checked ✓'];
    await expect(region(producer, 'Finalize').locator('.card-release')).toHaveText(released, { timeout: 60_000 });
    await expect(region(filmmaker, 'Finalize').locator('.card-release')).toHaveText(released);
    await expect(producer.locator('.balance-summary')).toHaveText((await filmmaker.locator('.balance-summary').textContent())!);

    // The producer exports it by name (a member names an export; the studio keeps it) and downloads the files.
    await expect(region(filmmaker, 'Finalize').getByRole('button', { name: 'Export' })).toHaveCount(0);
    await region(producer, 'Finalize').getByRole('button', { name: 'Export' }).click();
    const exportDialog = producer.getByRole('dialog', { name: 'Export finals' });
    await exportDialog.getByLabel('Export name').fill('Harbour cut');
    await exportDialog.getByRole('button', { name: 'Check name' }).click();
    const where = exportDialog.getByRole('region', { name: 'Where the export writes' });
    await expect(where).toContainText('Creates Harbour cut');
    await expect(where.getByRole('listitem')).toHaveText([/^01-shot-1_take-\d+\.mp4$/, 'sequence.mp4', 'manifest.json']);
    await exportDialog.getByRole('button', { name: 'Export 3 files' }).click();
    const downloads = exportDialog.getByRole('list', { name: 'Download' });
    await expect(downloads.getByRole('link')).toHaveText([/^01-shot-1_take-\d+\.mp4$/, 'sequence.mp4', 'manifest.json'], { timeout: 60_000 });
    await producer.screenshot({ path: testInfo.outputPath('studio-producer-export.png') });
    const download = async (name: string | RegExp) => {
      const [d] = await Promise.all([producer.waitForEvent('download'), downloads.getByRole('link', { name }).click()]);
      return d.path();
    };
    const take = await download(/^01-shot-1_take-\d+\.mp4$/);
    const ffprobe = lookupBinary('ffprobe').found!.path;
    const probed = JSON.parse(execFileSync(ffprobe, ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type', '-of', 'json', take], { encoding: 'utf8' })) as { format: { duration: string }; streams: { codec_type: string }[] };
    expect(Number(probed.format.duration)).toBeGreaterThan(1.8);
    expect(Number(probed.format.duration)).toBeLessThan(2.3);
    expect(probed.streams.map((x) => x.codec_type)).toContain('video');
    const manifest = JSON.parse(readFileSync(await download('manifest.json'), 'utf8')) as { projectName: string; hasPrompts: boolean; takes: { file: string }[] };
    expect(manifest).toMatchObject({ projectName: 'Harbour', hasPrompts: false });
    expect(manifest.takes.map((t) => t.file)).toEqual([expect.stringMatching(/^01-shot-1_take-\d+\.mp4$/)]);
    await exportDialog.getByRole('button', { name: 'Done' }).click();
    // The studio keeps the export (in its bucket): the same name again is refused before anything is made.
    await region(producer, 'Finalize').getByRole('button', { name: 'Export' }).click();
    await exportDialog.getByLabel('Export name').fill('Harbour cut');
    await exportDialog.getByRole('button', { name: 'Check name' }).click();
    await expect(exportDialog.locator('.field-error')).toHaveText('An export named Harbour cut already exists: pick another name.');
    await expect(exportDialog.getByRole('button', { name: /^Export \d+ files$/ })).toBeDisabled();
    await exportDialog.getByRole('button', { name: 'Cancel' }).click();
    // Published, on every board.
    for (const page of [producer, filmmaker, reviewer]) await expect(cards(page, 'Published')).toHaveCount(1);
    for (const page of [filmmaker, reviewer, producer]) expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);

    // The producer's other tabs: the queue to watch and the books to read, without an admin's controls and
    // without a refused call (an error notice) on the way; a filmmaker has no Costs tab (insight is the producer's).
    const views = (page: Page) => page.getByRole('tablist', { name: 'Views' }).getByRole('tab');
    await expect(views(producer)).toHaveText(['Board', 'Queue', 'Ledger', 'Costs']);
    await expect(views(filmmaker)).toHaveText(['Board', 'Queue', 'Ledger']);
    await expect(views(reviewer)).toHaveText(['Board']);
    await producer.getByRole('tab', { name: 'Queue' }).click();
    await expect(producer.getByRole('heading', { name: 'Queue' })).toBeVisible();
    await expect(producer.getByRole('button', { name: /^(Pause|Resume) queue$/ })).toHaveCount(0);
    await producer.getByRole('tab', { name: 'Ledger' }).click();
    await expect(producer.getByRole('table', { name: 'Balances' })).toBeVisible();
    await expect(producer.getByRole('heading', { name: 'History' })).toBeVisible();
    await expect(producer.getByRole('button', { name: /^(Switch plan|Buy|Top up|Set budget)$/ })).toHaveCount(0);
    await producer.screenshot({ path: testInfo.outputPath('studio-producer-ledger.png') });
    await producer.getByRole('tab', { name: 'Costs' }).click();
    await expect(producer.getByRole('heading', { name: 'Quarterly benchmark' })).toBeVisible();
    await expect(producer.getByRole('button', { name: /^(Run benchmark|Apply to plan|Save thresholds)/ })).toHaveCount(0);
    // The filmmaker's Queue and Ledger too.
    await filmmaker.getByRole('tab', { name: 'Queue' }).click();
    await expect(filmmaker.getByRole('heading', { name: 'Queue' })).toBeVisible();
    await filmmaker.getByRole('tab', { name: 'Ledger' }).click();
    await expect(filmmaker.getByRole('table', { name: 'Balances' })).toBeVisible();
    await filmmaker.getByRole('tab', { name: 'Board' }).click();
    // Not one refused call on the way (each would have left an error notice).
    for (const page of [producer, filmmaker]) await expect(page.locator('.notice.error')).toHaveCount(0);

    // The admin revokes the reviewer's token: the next call is refused, naming why.
    const members = await rpc<{ id: string; name: string }[]>(studio, 'studio.members', {});
    const raeId = members.find((m) => m.name === 'Rae')!.id;
    const tokens = await rpc<{ id: string; state: string }[]>(studio, 'studio.tokens', { memberId: raeId });
    for (const t of tokens) await rpc(studio, 'studio.revokeToken', { id: t.id });
    await cards(reviewer, 'Published').first().click();
    const refused = reviewer.waitForResponse((r) => r.url().endsWith('/rpc/tags.add'));
    await reviewer.keyboard.press('x');
    // The very next call: 401 naming why, and the screen says so.
    const answer = await refused;
    expect(answer.status()).toBe(401);
    expect(await answer.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/revoked/i) } });
    await expect(reviewer.getByText(/revoked/i).first()).toBeVisible();
    await expect(region(filmmaker, 'Published').locator('.tag-discard.tag')).toHaveCount(0);
  } finally {
    await filmmakerCtx.close();
    await reviewerCtx.close();
    await producerCtx.close();
  }
});
