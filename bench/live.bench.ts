// A live change from another process, painted (issue 15 item 5): the owner's board in Chromium on the
// browser host; a second process on the same data dir (its own core) tags a take; measured from the
// wall time just before that call to the frame painted with the new tag on the owner's card. It
// crosses the change feed (the other process's flush, the host's data_version poll) and the host's
// WebSocket. Baseline: the same change made through the host itself (POST /rpc/tags.add), which
// reaches the socket without the feed. Goal: p95 under 1 s.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Page } from '@playwright/test';
import { createCore } from '../electron/core/createCore';
import { createIds, silentLogger } from '../electron/core/nodePorts';
import { seedManyTakes } from '../test/support/boardSeed';
import { startHostProcess, tempDataDir, type HostProcess } from '../test/e2e/hostProcess';
import { CHROMIUM_ARGS, chromiumForTests } from '../electron/host/chromium';

const SAMPLES = 40;
const TAGS = ['needs-fix', 'discard'] as const;

async function seed(dataDir: string): Promise<{ projectId: string; takes: string[] }> {
  const clock = { now: () => Date.now() };
  const core = createCore({ dataDir, appVersion: 'bench', isStrict: false }, { clock, ids: createIds(clock), logger: silentLogger, notifier: { notify: () => undefined } });
  try {
    const p = await core.projects.create('Live');
    return { projectId: p.id, takes: seedManyTakes(core.db.conn, { projectId: p.id, shotId: (await core.shots.create(p.id, 'Open')).id, count: 4, idPrefix: 'live' }) };
  } finally {
    await core.dispose();
  }
}

/** In the page: resolves with the wall time of the frame painted after the take's card shows `text`. Plain JS (see board.bench.ts). */
const WATCH = `window.__watch = (id, text) => new Promise((resolve) => {
  const step = () => {
    const el = document.querySelector('[data-take-id="' + id + '"]');
    if (el && el.textContent.includes(text)) requestAnimationFrame(() => resolve(performance.timeOrigin + performance.now()));
    else requestAnimationFrame(step);
  };
  step();
})`;

async function sample(page: Page, takeId: string, text: string, change: () => Promise<number>): Promise<number> {
  // Not returned: evaluate would wait for the paint before the change is made.
  await page.evaluate(([id, t]) => {
    const w = window as unknown as { __p: Promise<number>; __watch: (a: string, b: string) => Promise<number> };
    w.__p = w.__watch(id!, t!);
  }, [takeId, text]);
  const t0 = await change();
  const t1 = await page.evaluate(() => (window as unknown as { __p: Promise<number> }).__p);
  return t1 - t0;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function viaHost(host: HostProcess, takeId: string, tag: string): Promise<number> {
  const t0 = Date.now();
  const r = await fetch(`${host.url}rpc/tags.add`, { method: 'POST', headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ takeIds: [takeId], tag, author: 'Base' }) });
  if (!r.ok) throw new Error(`tags.add through the host: ${r.status}`);
  return t0;
}

export default async function main(): Promise<void> {
  const data = tempDataDir();
  const { projectId, takes } = await seed(data.dir);
  const host = await startHostProcess(data.dir);
  const other = spawn(process.execPath, ['--import', 'tsx', 'bench/liveChanger.ts', data.dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: other.stdout! })[Symbol.asyncIterator]();
  let browser: Browser | null = null;
  try {
    if ((await lines.next()).value !== "ready") throw new Error('the other process did not start');
    const viaOther = async (takeId: string, tag: string) => {
      other.stdin!.write(`${takeId} ${tag}\n`);
      const r = JSON.parse(String((await lines.next()).value)) as { t0: number; ok: boolean };
      if (!r.ok) throw new Error('tags.add in the other process failed');
      return r.t0;
    };
    browser = await chromium.launch({ executablePath: chromiumForTests(), args: [...CHROMIUM_ARGS] });
    // Tall enough that every card is rendered (the columns are virtualized).
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 2400 } })).newPage();
    await page.addInitScript((pid) => sessionStorage.setItem('circletake.project', pid), projectId);
    await page.goto(host.openUrl);
    await page.locator('[data-take-id]').first().waitFor();
    await page.bringToFront();
    await page.evaluate(WATCH);
    const crossed: number[] = [];
    const local: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      // Each sample changes a take's verdict (the other one of two), so every one is a real change.
      const tag = TAGS[Math.floor(i / 2) % 2]!;
      crossed.push(await sample(page, takes[i % 2]!, `${tag} · Bench`, () => viaOther(takes[i % 2]!, tag)));
      local.push(await sample(page, takes[2 + (i % 2)]!, `${tag} · Base`, () => viaHost(host, takes[2 + (i % 2)]!, tag)));
    }
    console.log(`  change in another process → painted on the owner's board, p95 (n=${SAMPLES})`.padEnd(72) + ms(pct(crossed, 95)).padStart(10) + `   median ${ms(pct(crossed, 50))}`);
    console.log(`  change through the host itself → painted, p95 (baseline)`.padEnd(72) + ms(pct(local, 95)).padStart(10) + `   median ${ms(pct(local, 50))}`);
    console.log(`  ratio subject/baseline: ${(pct(crossed, 95) / pct(local, 95)).toFixed(2)}×   (goal: p95 under 1 s)`);
  } finally {
    await browser?.close();
    other.stdin!.end();
    await new Promise((r) => other.once('exit', r));
    await host.stop();
    data.cleanup();
  }
}
