// The board with 100,000 takes (a season: 40 shots of 2,500), in Chromium through the browser host:
//   1. time to the first painted board (navigation start → first card painted), against the same
//      measurement on a project with 100 takes, served by the same host (the board loads shot by
//      shot, so this is the first shot's 2,500 takes painted while the other 39 shots arrive);
//   2. p95 from a tag keystroke (P) to the card painted in the Shortlist column, against the p95 of a
//      keystroke that only moves the focus (↓) — the floor for "key → React → paint" in this browser.
// Goals (issue 15): first paint under 1.5 s; tag p95 within 1.2× of the focus-move p95. Data is seeded straight through core (takes without
// media files: cards show placeholders, so this measures the board, not thumbnail decoding).
import { chromium, type Browser, type Page } from '@playwright/test';
import { createCore } from '../electron/core/createCore';
import { createIds, silentLogger } from '../electron/core/nodePorts';
import { seedManyTakes } from '../test/support/boardSeed';
import { startHostProcess, tempDataDir } from '../test/e2e/hostProcess';
import { CHROMIUM_ARGS, chromiumForTests } from '../electron/host/chromium';

const BIG = 100_000;
const SHOTS = 40;
const SMALL = 100;
const KEY_SAMPLES = 120;
const LOAD_RUNS = 5;

async function seed(dataDir: string): Promise<{ big: string; small: string }> {
  const clock = { now: () => Date.now() };
  const core = createCore({ dataDir, appVersion: 'bench', isStrict: false }, { clock, ids: createIds(clock), logger: silentLogger, notifier: { notify: () => undefined } });
  try {
    const big = await core.projects.create('A season');
    const small = await core.projects.create('One hundred');
    for (let k = 0; k < SHOTS; k++) {
      const shotId = (await core.shots.create(big.id, `Shot ${k + 1}`)).id;
      seedManyTakes(core.db.conn, { projectId: big.id, shotId, count: BIG / SHOTS, idPrefix: `s${String(k).padStart(2, '0')}` });
    }
    seedManyTakes(core.db.conn, { projectId: small.id, shotId: (await core.shots.create(small.id, 'Open')).id, count: SMALL, idPrefix: 'sml' });
    return { big: big.id, small: small.id };
  } finally {
    await core.dispose();
  }
}

type ProbeWindow = Window & {
  __firstCard: number | null;
  __samples: number[];
};

async function firstPaint(page: Page, openUrl: string, projectId: string): Promise<number> {
  const fresh = await page.context().newPage();
  try {
    // Before any page script: open this project, and note when the first take card is painted
    // (two frames after it enters the DOM).
    await fresh.addInitScript((pid) => {
      const w = window as unknown as ProbeWindow;
      sessionStorage.setItem('circletake.project', pid);
      w.__firstCard = null;
      new MutationObserver((_, obs) => {
        if (document.querySelector('[data-take-id]')) {
          obs.disconnect();
          requestAnimationFrame(() => requestAnimationFrame(() => (w.__firstCard = performance.now())));
        }
      }).observe(document, { childList: true, subtree: true });
    }, projectId);
    await fresh.goto(openUrl);
    await fresh.waitForFunction(() => (window as unknown as ProbeWindow).__firstCard !== null, undefined, { timeout: 60_000 });
    return await fresh.evaluate(() => (window as unknown as ProbeWindow).__firstCard!);
  } finally {
    if (fresh !== page) await fresh.close();
  }
}

/**
 * In the page: per keydown, the time from the key event to the next frame painted after the change
 * (the card in the Shortlist for P, the focus on another take for ↓). Plain JS source: the bench is
 * compiled with keepNames, whose helpers do not exist in the page.
 */
const KEY_PROBE = `(() => {
  window.__samples = [];
  window.__probe = null;
  const count = (col) => Number((document.querySelector('[aria-label$=" in ' + col + '"]') || { textContent: '-1' }).textContent.replace(/,/g, ''));
  document.addEventListener('keydown', (e) => {
    const el = document.activeElement;
    window.__probe = { t0: e.timeStamp, id: el ? el.getAttribute('data-take-id') : null, key: e.key, shortlisted: count('Shortlist') };
    const step = () => {
      const p = window.__probe;
      if (!p) return;
      const now = document.activeElement ? document.activeElement.getAttribute('data-take-id') : null;
      // P: the take has left Tag and the Shortlist has grown by one (it may sit outside the column's
      // rendered window, which is virtualized). ↓: the focus is on another take.
      const isDone = p.key === 'p'
        ? count('Shortlist') === p.shortlisted + 1 && !document.querySelector('[aria-labelledby="col-tag"] [data-take-id="' + p.id + '"]')
        : now !== p.id;
      if (isDone) requestAnimationFrame(() => { window.__samples.push(performance.now() - p.t0); window.__probe = null; });
      else requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }, true);
})()`;

async function installKeyProbe(page: Page): Promise<void> {
  await page.evaluate(KEY_PROBE);
}

async function keyLatencies(page: Page, key: 'p' | 'ArrowDown', n: number): Promise<number[]> {
  await page.evaluate(() => ((window as unknown as ProbeWindow).__samples = []));
  for (let i = 0; i < n; i++) {
    await page.keyboard.press(key);
    await page.waitForFunction((k) => (window as unknown as ProbeWindow).__samples.length > k, i, { timeout: 10_000 }).catch(async (e: unknown) => {
      const state = await page.evaluate('({ probe: window.__probe, active: document.activeElement && document.activeElement.outerHTML.slice(0, 120) })');
      throw new Error(`no sample after ${key} #${i}: ${JSON.stringify(state)} (${String(e)})`);
    });
  }
  return page.evaluate(() => (window as unknown as ProbeWindow).__samples);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const median = (xs: number[]) => pct(xs, 50);
const ms = (x: number) => `${x.toFixed(1)} ms`;

export default async function main(): Promise<void> {
  const data = tempDataDir();
  let browser: Browser | null = null;
  const ids = await seed(data.dir);
  // Measure what users run: the host without dev-time output validation (a packaged app's mode).
  const wasEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  const host = await startHostProcess(data.dir);
  if (wasEnv === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = wasEnv;
  try {
    browser = await chromium.launch({ executablePath: chromiumForTests(), args: [...CHROMIUM_ARGS] });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();

    const big: number[] = [];
    const small: number[] = [];
    await page.goto(host.openUrl); // takes the token into a session cookie; warms the bundle cache
    await firstPaint(page, host.openUrl, ids.small);
    for (let i = 0; i < LOAD_RUNS; i++) {
      small.push(await firstPaint(page, host.openUrl, ids.small));
      big.push(await firstPaint(page, host.openUrl, ids.big));
    }
    console.log(`  first painted board, ${BIG.toLocaleString('en-US')} takes (median of ${LOAD_RUNS})`.padEnd(58) + ms(median(big)).padStart(12) + `   [${ms(Math.min(...big))}–${ms(Math.max(...big))}]`);
    console.log(`  first painted board, ${SMALL} takes (baseline)`.padEnd(58) + ms(median(small)).padStart(12));
    console.log(`  ratio subject/baseline: ${(median(big) / median(small)).toFixed(2)}×   (goal: ${BIG.toLocaleString('en-US')} takes painted in under 1.5 s)`);

    // Keystrokes on the 100,000-take board (all shots): focus the first take of Tag, then P (pick) moves it to the
    // Shortlist (the cut is 10 % of each shot) and auto-advance focuses the next.
    await page.bringToFront(); // a background tab gets no animation frames
    await page.evaluate((pid) => sessionStorage.setItem('circletake.project', pid), ids.big);
    await page.reload();
    // Keys are measured on the whole season: every shot loaded (the board loads shot by shot, and
    // stays aria-busy until the last has arrived).
    await page.locator('section[aria-label="Board"][aria-busy="false"]').waitFor({ timeout: 120_000 });
    await installKeyProbe(page);
    await page.locator('[aria-labelledby="col-tag"] [data-take-id]').first().click();
    const moves = await keyLatencies(page, 'ArrowDown', KEY_SAMPLES);
    await page.keyboard.press('Home');
    const tags = await keyLatencies(page, 'p', KEY_SAMPLES);
    console.log(`  tag keystroke → card painted in Shortlist, p95 (n=${tags.length})`.padEnd(58) + ms(pct(tags, 95)).padStart(12) + `   median ${ms(median(tags))}`);
    console.log(`  focus keystroke (↓) → painted, p95 (baseline)`.padEnd(58) + ms(pct(moves, 95)).padStart(12) + `   median ${ms(median(moves))}`);
    console.log(`  ratio subject/baseline: ${(pct(tags, 95) / pct(moves, 95)).toFixed(2)}×   (goal: within 1.2×)`);
  } finally {
    await browser?.close();
    await host.stop();
    data.cleanup();
  }
}
