import { _electron as electron, expect, test, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Issue #18 item 5 in a real Electron app (runs where the binary exists; test/electron/run.mjs says
// SKIPPED elsewhere): the core runs in a utilityProcess and answers; the main process has no database
// open; a second window talks to the same core; a killed core is noticed, announced and restarted
// once; quit disposes it (its process ends, the WAL is checkpointed away).
type Invoke = (name: string, input: unknown) => Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;
const invoke = (win: Page, name: string, input: unknown) =>
  win.evaluate(([n, i]) => (window as unknown as { bridge: { invoke: Invoke } }).bridge.invoke(n as string, i), [name, input] as const);

/** The files a process has open (Linux: /proc/<pid>/fd); null where /proc is not there. */
function openFiles(pid: number): string[] | null {
  const dir = `/proc/${pid}/fd`;
  if (!existsSync(dir)) return null;
  return readdirSync(dir).flatMap((fd) => {
    try {
      return [readlinkSync(join(dir, fd))];
    } catch {
      return [];
    }
  });
}

test('the core runs in a utilityProcess: it answers, main has no database open, it restarts once, quit disposes it', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ct-electron-utility-'));
  const app = await electron.launch({
    ...(process.env.CIRCLETAKE_ELECTRON ? { executablePath: process.env.CIRCLETAKE_ELECTRON } : {}),
    args: ['.', '--no-sandbox'],
    env: { ...process.env, CIRCLETAKE_DATA_DIR: dataDir } as Record<string, string>,
  });
  const corePids = () =>
    app.evaluate(({ app: a }) => a.getAppMetrics().filter((m) => m.type === 'Utility' && m.name === 'Circle Take core').map((m) => m.pid));
  let lastCorePid = 0;
  try {
    const win = await app.firstWindow();
    await expect(win.getByRole('heading', { name: 'Projects' })).toBeVisible();
    const [corePid] = await corePids();
    expect(corePid).toBeGreaterThan(0);
    const mainPid = await app.evaluate(() => process.pid);
    expect(corePid).not.toBe(mainPid);

    expect(await invoke(win, 'projects.create', { name: 'Made in the core process' })).toMatchObject({ ok: true });
    const dbFile = join(dataDir, 'circletake.db');
    const mainFiles = openFiles(mainPid);
    if (mainFiles) {
      expect(mainFiles.filter((f) => f.startsWith(dbFile))).toEqual([]);
      expect(openFiles(corePid!)!.filter((f) => f === dbFile)).toHaveLength(1);
    }

    // A second window talks to the same core (one core process, the same projects).
    await app.evaluate(async ({ app: a, BrowserWindow }) => {
      const w = new BrowserWindow({
        show: false,
        webPreferences: { preload: `${a.getAppPath()}/out/preload/index.cjs`, sandbox: true, contextIsolation: true, nodeIntegration: false },
      });
      await w.loadURL('app://renderer/index.html');
    });
    await expect.poll(() => app.windows().length).toBe(2);
    const second = app.windows()[1]!;
    await second.waitForLoadState();
    const listed = await invoke(second, 'projects.list', {});
    expect((listed.value as { name: string }[]).map((p) => p.name)).toContain('Made in the core process');
    expect(await corePids()).toHaveLength(1);

    // Killed: every window hears that it stopped, then that it was restarted; it answers again.
    process.kill(corePid!, 'SIGKILL');
    await expect(win.getByRole('alert').filter({ hasText: /core stopped/ })).toBeVisible();
    await expect(win.getByRole('status').filter({ hasText: /core was restarted/ })).toBeVisible({ timeout: 30_000 });
    const [restarted] = await corePids();
    expect(restarted).toBeGreaterThan(0);
    expect(restarted).not.toBe(corePid);
    lastCorePid = restarted!;
    const again = await invoke(win, 'projects.list', {});
    expect((again.value as { name: string }[]).map((p) => p.name)).toContain('Made in the core process');
  } finally {
    await app.close();
  }
  // Quit disposed the core: its process is gone and the database was closed (the WAL checkpointed away).
  expect(existsSync(`/proc/${lastCorePid}`)).toBe(false);
  expect(existsSync(join(dataDir, 'circletake.db-wal'))).toBe(false);
  rmSync(dataDir, { recursive: true, force: true });
});
