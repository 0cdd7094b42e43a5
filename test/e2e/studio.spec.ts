import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect, test, type Page } from '@playwright/test';

// Issue 18 at the team's scale, in two browser contexts at once against one studio: `circletake studio --dev`
// (a throwaway PostgreSQL, an S3-compatible store and one queue worker, all started here). The admin invites
// a filmmaker and a reviewer; each opens their invite link in their own browser and becomes that member. The
// filmmaker generates from the draft form; the reviewer's tag shows on the filmmaker's board without a reload;
// the reviewer sees no money and no draft form; a revoked reviewer is cut off at once.

const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });
const cards = (page: Page, column: string) => region(page, column).getByRole('option');

interface Studio {
  url: string;
  token: string;
  child: ChildProcess;
}

async function startStudio(): Promise<Studio> {
  // Its own process group, so the stop reaches the worker and the throwaway servers too.
  const child = spawn(process.execPath, ['bin/circletake.js', 'studio', '--dev', '--json'], { stdio: ['ignore', 'pipe', 'ignore'], detached: true, env: { ...process.env, CIRCLETAKE_DATABASE_URL: '' } });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`studio --dev exited with ${code}`)));
  });
  const info = JSON.parse(line) as { url: string; token: string };
  return { url: info.url, token: info.token, child };
}

async function stopStudio(s: Studio): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise<void>((r) => s.child.once('exit', () => r()));
  process.kill(-s.child.pid!, 'SIGINT');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
  if (s.child.exitCode === null) process.kill(-s.child.pid!, 'SIGKILL');
}

async function rpc<T>(s: Studio, name: string, input: unknown): Promise<T> {
  const res = await fetch(`${s.url.replace(/\/$/, '')}/rpc/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` }, body: JSON.stringify(input) });
  const body = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
  return body.value;
}

// Stopped after each test even when the test timed out (a finally inside the test body may not get to run).
let running: Studio | null = null;
test.afterEach(async () => {
  if (running) await stopStudio(running);
  running = null;
});

test('a filmmaker and a reviewer on one studio: join by invite, generate, tag live, revoke', async ({ browser }, testInfo) => {
  test.setTimeout(240_000);
  const studio = (running = await startStudio());
  const filmmakerCtx = await browser.newContext();
  const reviewerCtx = await browser.newContext();
  try {
    await rpc(studio, 'projects.create', { name: 'Harbour' });
    const fay = await rpc<{ secret: string }>(studio, 'studio.invite', { role: 'filmmaker', name: 'Fay' });
    const rae = await rpc<{ secret: string }>(studio, 'studio.invite', { role: 'reviewer', name: 'Rae' });

    const filmmaker = await filmmakerCtx.newPage();
    const reviewer = await reviewerCtx.newPage();
    await filmmaker.goto(`${studio.url}#invite=${fay.secret}`);
    await reviewer.goto(`${studio.url}#invite=${rae.secret}`);
    for (const page of [filmmaker, reviewer]) {
      // The secret is gone from the address bar; the page is the member's.
      expect(page.url()).not.toContain('invite=');
      await page.getByRole('list', { name: 'Project list' }).getByRole('button', { name: 'Harbour', exact: true }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Harbour' })).toBeVisible();
      await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    }
    await expect(filmmaker.locator('.role-badge')).toHaveText('filmmaker');
    await expect(reviewer.locator('.role-badge')).toHaveText('reviewer');
    await expect(reviewer.locator('.connection-badge')).toHaveText('Studio — Rae (reviewer)');
    // The reviewer gets no draft form and no money; the filmmaker gets both.
    await expect(reviewer.getByText('New draft')).toHaveCount(0);
    await expect(reviewer.locator('.balance-summary')).toHaveCount(0);
    await expect(filmmaker.locator('.balance-summary')).toBeVisible();

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
    await filmmaker.screenshot({ path: testInfo.outputPath('studio-filmmaker.png') });

    // The reviewer picks one: it moves to the filmmaker's shortlist, no reload.
    await cards(reviewer, 'Tag').first().click();
    await reviewer.keyboard.press('p');
    await expect(cards(filmmaker, 'Shortlist').first()).toContainText('promising · Rae');
    await reviewer.screenshot({ path: testInfo.outputPath('studio-reviewer.png') });
    for (const page of [filmmaker, reviewer]) expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);

    // The admin revokes the reviewer's token: the next call is refused, naming why.
    const members = await rpc<{ id: string; name: string }[]>(studio, 'studio.members', {});
    const raeId = members.find((m) => m.name === 'Rae')!.id;
    const tokens = await rpc<{ id: string; state: string }[]>(studio, 'studio.tokens', { memberId: raeId });
    for (const t of tokens) await rpc(studio, 'studio.revokeToken', { id: t.id });
    await cards(reviewer, 'Tag').first().click();
    await reviewer.keyboard.press('x');
    await expect(reviewer.getByText(/revoked/i).first()).toBeVisible();
    await expect(cards(filmmaker, 'Tag').locator('.tag-discard.tag')).toHaveCount(0);
  } finally {
    await filmmakerCtx.close();
    await reviewerCtx.close();
  }
});
