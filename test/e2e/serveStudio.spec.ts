import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { expect, test, type Page } from '@playwright/test';
import { rpc, startStudio, stopStudio, type Studio } from './studioProcess';

// `circletake serve --studio URL --token T` in Chromium (issue 18 item 5): the page is served on this machine
// and works on a studio (`circletake studio --dev`) as the member the token names. Between the two, a cable
// this test can pull: a page opened while the studio cannot be reached says so and becomes the member once it
// is back; while it cannot be reached, Generate says so and the unsent draft stays in the form; once it is
// back, the same Generate makes one job.

interface Cable {
  url: string;
  unplug(): void;
  plug(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP pass-through to the studio that can be unplugged (every connection cut, the port closed: connections are
 * refused) and plugged back on the same port. The studio checks Host and Origin, so the cable's own address is
 * rewritten to the studio's on the way in.
 */
async function cable(to: string): Promise<Cable> {
  const target = new URL(to);
  let port = 0;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const up = connect(Number(target.port), target.hostname);
    for (const s of [client, up]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => (s === client ? up : client).destroy());
    }
    const ours = `127.0.0.1:${port}`;
    client.pipe(new Transform({ transform: (chunk: Buffer, _e, done) => done(null, Buffer.from(chunk.toString('latin1').replaceAll(ours, target.host), 'latin1')) })).pipe(up);
    up.pipe(client);
  });
  const listen = () => new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  await listen();
  port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    unplug() {
      server.close();
      for (const s of open) s.destroy();
    },
    plug: listen,
    close: () => new Promise<void>((r) => (server.listening ? server.close(() => r()) : r())),
  };
}

let studio: Studio | null = null;
let relay: ChildProcess | null = null;
let wire: Cable | null = null;
test.afterEach(async () => {
  relay?.kill('SIGTERM');
  if (studio) await stopStudio(studio);
  await wire?.close();
  studio = relay = wire = null;
});

const notice = (page: Page, text: RegExp) => page.locator('.notice').filter({ hasText: text }).first();

test('serve --studio: the page works on the studio as its member, says when the studio cannot be reached, keeps the draft, and generates once it is back', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  studio = await startStudio();
  const { id: projectId } = await rpc<{ id: string }>(studio, 'projects.create', { name: 'Harbour' });
  const { secret } = await rpc<{ secret: string }>(studio, 'studio.invite', { role: 'filmmaker', name: 'Fay' });
  const accepted = await fetch(`${studio.url.replace(/\/$/, '')}/rpc/studio.acceptInvite`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ secret }) });
  const joined = (await accepted.json()) as { ok: boolean; value?: { token: string } };
  expect(joined.ok, JSON.stringify(joined)).toBe(true);
  const token = joined.value!.token;
  wire = await cable(studio.url);

  // The page opens while the studio cannot be reached: it says so, and becomes the member once the studio is back.
  wire.unplug();
  relay = spawn(process.execPath, ['bin/circletake.js', 'serve', '--studio', wire.url, '--json'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CIRCLETAKE_STUDIO_TOKEN: token, CIRCLETAKE_DATABASE_URL: '' } });
  const ready = await new Promise<{ openUrl: string; role: string | null }>((resolve, reject) => {
    createInterface({ input: relay!.stdout! }).once('line', (l) => (l.includes('openUrl') ? resolve(JSON.parse(l) as never) : reject(new Error(l))));
    relay!.once('exit', (code) => reject(new Error(`serve --studio exited with ${code}`)));
  });
  expect(ready.role).toBeNull();

  await page.goto(ready.openUrl);
  await expect(notice(page, /The studio at http:\/\/127\.0\.0\.1:\d+ cannot be reached .*this page works on it as soon as it answers/)).toBeVisible({ timeout: 20_000 });
  await page.screenshot({ path: testInfo.outputPath('serve-studio-unreachable-at-open.png') });
  await wire.plug();
  await expect(page.locator('.role-badge')).toHaveText('filmmaker', { timeout: 30_000 });
  await expect(notice(page, /cannot be reached/)).toHaveCount(0);
  await page.getByRole('list', { name: 'Project list' }).getByRole('button', { name: 'Harbour', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Harbour' })).toBeVisible();
  await expect(page.locator('.role-badge')).toHaveText('filmmaker');
  await page.getByLabel('Model').selectOption('gen4_turbo');
  await page.getByLabel('Duration').selectOption('2');
  await page.getByLabel('Prompt').fill('A harbour crane at dawn');
  const generate = page.getByRole('button', { name: 'Generate' });
  await expect(generate).toBeEnabled();
  await page.waitForTimeout(800); // the draft's debounced save reaches the studio first
  await page.screenshot({ path: testInfo.outputPath('serve-studio-connected.png') });

  // The cable is pulled: Generate says the studio cannot be reached, and the draft stays as typed.
  wire.unplug();
  await generate.click();
  await expect(notice(page, /The studio at http:\/\/127\.0\.0\.1:\d+ cannot be reached .*jobs\.submit was not answered/)).toBeVisible({ timeout: 20_000 });
  await expect(page.getByLabel('Prompt')).toHaveValue('A harbour crane at dawn');
  await expect(generate).toHaveText('Generate');
  await expect(notice(page, /cannot be reached; reconnecting… What you type is kept/)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('serve-studio-unreachable.png') });
  expect(await rpc<unknown[]>(studio, 'jobs.list', { projectId })).toHaveLength(0);

  // Back: the page hears it, and the same draft generates, once.
  await wire.plug();
  await expect(notice(page, /reconnecting/)).toHaveCount(0, { timeout: 30_000 }); // gone once the studio is back
  await generate.click();
  const take = page.getByRole('region', { name: 'Tag', exact: true }).getByRole('option');
  await expect(take).toHaveCount(1, { timeout: 120_000 });
  expect(await rpc<unknown[]>(studio, 'jobs.list', { projectId })).toHaveLength(1);
  // Its poster is the studio's, streamed through this machine's host by media id.
  const poster = take.locator('.poster img');
  await expect(poster).toHaveAttribute('src', /\/media\/art_/, { timeout: 30_000 });
  await expect.poll(() => poster.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  await expect(notice(page, /jobs\.submit was not answered/)).toHaveCount(0); // the failure's notice went with the answer
  await page.screenshot({ path: testInfo.outputPath('serve-studio-take.png') });
});
