import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Proves the preload bridge and IPC wiring in a real Electron window, and the window hardening.
test('the Electron window: hardened, bridged, and the projects slice over IPC', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ct-electron-'));
  const app = await electron.launch({
    ...(process.env.CIRCLETAKE_ELECTRON ? { executablePath: process.env.CIRCLETAKE_ELECTRON } : {}),
    args: ['.', '--no-sandbox'],
    env: { ...process.env, CIRCLETAKE_DATA_DIR: dataDir } as Record<string, string>,
  });
  try {
    const win = await app.firstWindow();
    await expect(win.getByRole('heading', { name: 'Projects' })).toBeVisible();

    const url = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.webContents.getURL());
    expect(url).toMatch(/^app:\/\/renderer\//);

    // The renderer sees one narrow bridge and no Node.
    const surface = await win.evaluate(() => ({
      bridgeKeys: Object.keys((window as unknown as { bridge: object }).bridge).sort(),
      hasRequire: typeof (window as unknown as { require?: unknown }).require !== 'undefined',
      hasProcess: typeof (window as unknown as { process?: unknown }).process !== 'undefined',
    }));
    expect(surface).toEqual({ bridgeKeys: ['invoke', 'on'], hasRequire: false, hasProcess: false });
    const unknown = await win.evaluate(() => (window as unknown as { bridge: { invoke(n: string, i: unknown): Promise<unknown> } }).bridge.invoke('ledger.steal', {}));
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    const bad = await win.evaluate(() => (window as unknown as { bridge: { invoke(n: string, i: unknown): Promise<unknown> } }).bridge.invoke('projects.create', { name: 7 }));
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'name' } } });

    await win.getByLabel('Project name').fill('From Electron');
    await win.getByRole('button', { name: 'Create project' }).click();
    await expect(win.getByRole('list', { name: 'Project list' }).getByRole('button', { name: 'From Electron', exact: true })).toBeVisible();

    // Navigation away and new windows are denied.
    await win.evaluate(() => {
      window.open('https://example.com');
      window.location.href = 'https://example.com';
    });
    await win.waitForTimeout(500);
    expect(app.windows()).toHaveLength(1);
    expect(win.url()).toMatch(/^app:\/\/renderer\//);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
