import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHostProcess, tempDataDir } from './hostProcess';

// The culling room (issue 15 items 2 and 4), in Chromium through the browser host: keys anywhere on
// the page (`?` right after opening a project; P/X/U and 1–5 without clicking a card), the loupe with
// its filmstrip, tags and checks, the synced survey with one scrub bar and a pick per take, the board's
// filters, and frame-accurate comments with a drawing that come back on click and travel in the export
// manifest. axe-core on the loupe and the survey: no serious or critical violations.

const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });
const cards = (page: Page, column: string) => region(page, column).getByRole('option');

function submit(dataDir: string, model: string, variations: number, seed: number) {
  const params = { model, durationSec: 2, ratio: '1280:720', prompt: 'a lighthouse at dusk', seed, variations };
  const r = spawnSync(process.execPath, ['bin/circletake.js', 'submit', '--data-dir', dataDir, '--project', 'Culling', '--wait', '--json', JSON.stringify(params)], {
    encoding: 'utf8',
    timeout: 90_000,
  });
  expect(r.status, r.stderr).toBe(0);
}

async function noSeriousViolations(page: Page, name: string) {
  const r = await new AxeBuilder({ page }).include('[role="dialog"]').analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${name}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
}

test('loupe, survey, keys anywhere, filters, and a comment with a drawing that travels to the manifest', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const data = tempDataDir();
  submit(data.dir, 'gen4_turbo', 3, 11);
  submit(data.dir, 'gen4.5', 1, 12);
  const host = await startHostProcess(data.dir);
  const shot = (n: string) => page.screenshot({ path: testInfo.outputPath(n) });
  try {
    await page.goto(host.openUrl);
    await page.getByRole('list', { name: 'Project list' }).getByRole('button', { name: 'Culling', exact: true }).click();
    await expect(cards(page, 'Tag')).toHaveCount(4);

    // `?` right after opening the project, with focus still on the project button.
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toContainText('Rate 1 to 5 stars');
    await expect(help).toContainText('previous / next take in the filmstrip');
    await shot('1-help-on-open.png');
    await page.keyboard.press('Escape');
    await expect(help).toHaveCount(0);

    // Keys anywhere but text fields: from the page heading, P picks the first take and 4 rates the next
    // (auto-advance); typing in the prompt field tags nothing.
    const ids = await cards(page, 'Tag').evaluateAll((els) => els.map((e) => e.getAttribute('data-take-id')!));
    await page.getByLabel('Prompt').fill('px');
    await expect(cards(page, 'Shortlist')).toHaveCount(0);
    await page.getByRole('heading', { level: 1, name: 'Culling' }).click();
    await page.keyboard.press('p');
    await expect(region(page, 'Shortlist').locator(`[data-take-id="${ids[0]}"]`)).toContainText('promising · owner');
    await page.keyboard.press('4');
    await expect(page.locator(`[data-take-id="${ids[1]}"] .chip.stars`)).toHaveText('★ 4');
    await shot('2-keys-anywhere.png');

    // Enter opens the loupe on the focused take: large player, the shot's filmstrip, verdict, stars, checks.
    await page.locator(`[data-take-id="${ids[0]}"]`).click();
    await page.keyboard.press('Enter');
    const loupe = page.getByRole('dialog', { name: /^Take \d+ · gen4/ });
    await expect(loupe.locator('video')).toBeVisible();
    await expect.poll(() => loupe.locator('video').evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 15_000 }).toBeGreaterThan(0);
    const strip = loupe.getByRole('navigation', { name: 'Filmstrip' }).getByRole('button');
    await expect(strip).toHaveCount(4);
    await expect(loupe.getByRole('group', { name: 'Your verdict' }).getByRole('button', { name: /^Pick/ })).toHaveAttribute('aria-pressed', 'true');
    await expect(loupe.getByRole('list', { name: 'Checks' })).toContainText('decode');
    await shot('3-loupe.png');
    await noSeriousViolations(page, 'loupe');

    // ← / → walk the filmstrip; Space plays and pauses; X in the loupe rejects the take shown and advances.
    const current = () => loupe.locator('.filmstrip [aria-current="true"]').getAttribute('data-take-id');
    const start = await current();
    await page.keyboard.press('ArrowRight');
    await expect.poll(current).not.toBe(start);
    const second = (await current())!;
    await page.keyboard.press(' ');
    await expect.poll(() => loupe.locator('video').evaluate((v: HTMLVideoElement) => !v.paused)).toBe(true);
    await page.keyboard.press(' ');
    await expect.poll(() => loupe.locator('video').evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);
    await page.keyboard.press('x');
    await expect.poll(current).not.toBe(second);
    await expect(page.locator(`.columns [data-take-id="${second}"]`)).toContainText('discard · owner');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(current).toBe(ids[0]);

    // A comment on frame 3 with a box drawn on it; step away, click it: the player seeks back and shows the box.
    const video = loupe.locator('video');
    for (let i = 0; i < 3; i++) await loupe.getByRole('button', { name: 'Next frame ›' }).click();
    await expect(loupe).toContainText('frame 3 (24 fps)');
    await loupe.getByRole('button', { name: 'Box' }).click();
    const box = (await loupe.locator('svg.drawing-layer').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6, { steps: 5 });
    await page.mouse.up();
    await expect(loupe.locator('svg.drawing-layer rect[data-shape="box"]')).toHaveCount(1);
    // An arrow to the box, and a freehand stroke under it.
    await loupe.getByRole('button', { name: 'Arrow' }).click();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.8);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.62, { steps: 5 });
    await page.mouse.up();
    await loupe.getByRole('button', { name: 'Freehand' }).click();
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.7);
    await page.mouse.down();
    for (let i = 1; i <= 6; i++) await page.mouse.move(box.x + box.width * (0.2 + i * 0.04), box.y + box.height * (0.7 + (i % 2) * 0.03));
    await page.mouse.up();
    await expect(loupe.locator('svg.drawing-layer [data-shape]')).toHaveCount(3);
    await loupe.getByLabel('New comment').fill('The keeper’s hand flickers here');
    await loupe.getByRole('button', { name: 'Comment', exact: true }).click();
    const note = loupe.getByRole('button', { name: /^Go to 0:00:03: The keeper/ });
    await expect(note).toContainText('0:00:03 ✎');
    await expect(loupe.locator('svg.drawing-layer rect')).toHaveCount(0);
    for (let i = 0; i < 5; i++) await loupe.getByRole('button', { name: 'Next frame ›' }).click();
    await expect(loupe).toContainText('frame 8 (24 fps)');
    await note.click();
    await expect(loupe).toContainText('frame 3 (24 fps)');
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => Math.round(v.currentTime * 24))).toBe(3);
    await expect(loupe.locator('svg.drawing-layer [data-shape]')).toHaveCount(3);
    await shot('4-comment-drawing.png');
    await page.keyboard.press('Escape');
    await expect(loupe).toHaveCount(0);

    // Filters: picked, rejected, untagged, by model.
    await page.getByLabel('Show').selectOption('picked');
    await expect(page.locator('.columns [data-take-id]')).toHaveCount(1);
    await page.getByLabel('Show').selectOption('rejected');
    await expect(page.locator('.columns [data-take-id]')).toHaveCount(1);
    await expect(cards(page, 'Tag').first()).toContainText('discard');
    await page.getByLabel('Show').selectOption('untagged');
    await expect(page.locator('.columns [data-take-id]')).toHaveCount(2);
    await page.getByLabel('Show').selectOption('all');
    await page.getByLabel('Made with').selectOption('gen4.5');
    await expect(page.locator('.columns [data-take-id]')).toHaveCount(1);
    await shot('5-filter-model.png');
    await page.getByLabel('Made with').selectOption('');
    await expect(page.locator('.columns [data-take-id]')).toHaveCount(4);

    // Survey: three takes selected with Space, C: one scrub bar moves them all; frame steps move them all;
    // a pick button per take.
    await cards(page, 'Tag').first().click();
    await page.keyboard.press(' ');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press(' ');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press(' ');
    await page.keyboard.press('c');
    const survey = page.getByRole('dialog', { name: 'Survey · 3 takes' });
    const videos = survey.locator('video');
    await expect(videos).toHaveCount(3);
    await expect.poll(() => videos.evaluateAll((vs) => vs.every((v) => (v as HTMLVideoElement).readyState > 0)), { timeout: 15_000 }).toBe(true);
    await survey.getByLabel('Scrub all takes').fill('1');
    const frames = () => videos.evaluateAll((vs) => vs.map((v) => Math.round((v as HTMLVideoElement).currentTime * 24)));
    await expect.poll(frames).toEqual([24, 24, 24]);
    await survey.getByRole('button', { name: 'Next frame ›' }).click();
    await expect.poll(frames).toEqual([25, 25, 25]);
    await expect(survey).toContainText('frame 25 (24 fps)');
    const pick = survey.getByRole('button', { name: /^Pick take/ }).nth(1);
    await expect(pick).toHaveAttribute('aria-pressed', 'false');
    await pick.click();
    await expect(pick).toHaveAttribute('aria-pressed', 'true');
    await shot('6-survey.png');
    await noSeriousViolations(page, 'survey');
    await pick.click();
    await expect(pick).toHaveAttribute('aria-pressed', 'false');
    await page.keyboard.press('Escape');

    // The commented take is the shortlist: finalize it, export, and the comment and its box are in the manifest.
    await expect(cards(page, 'Shortlist')).toHaveCount(1);
    await region(page, 'Shortlist').getByRole('button', { name: 'Finalize 1' }).click();
    await page.getByRole('dialog', { name: 'Finalize 1 take' }).getByRole('button', { name: /^Finalize 1 take/ }).click();
    await expect(region(page, 'Finalize').locator('.card-release')).toHaveText(['release checked ✓'], { timeout: 90_000 });
    await region(page, 'Finalize').getByRole('button', { name: 'Export' }).click();
    const exportDialog = page.getByRole('dialog', { name: 'Export finals' });
    const exportDir = join(data.dir, 'exported');
    await exportDialog.getByLabel('Export folder').fill(exportDir);
    await exportDialog.getByRole('button', { name: 'Check folder' }).click();
    await exportDialog.getByRole('button', { name: /^Export \d+ files/ }).click();
    await expect(exportDialog.getByRole('button', { name: 'Done' })).toBeVisible({ timeout: 60_000 });
    type M = { takes: { comments: { body: string; atSec: number; drawing: { shapes: { kind: string }[] } }[] }[] };
    const manifest = JSON.parse(readFileSync(join(exportDir, 'manifest.json'), 'utf8')) as M;
    expect(manifest.takes).toHaveLength(1);
    expect(manifest.takes[0]!.comments).toMatchObject([{ body: 'The keeper’s hand flickers here', atSec: 3 / 24, drawing: { shapes: [{ kind: 'box' }, { kind: 'arrow' }, { kind: 'freehand' }] } }]);
    await shot('7-exported.png');
  } finally {
    await host.stop();
    data.cleanup();
  }
});
