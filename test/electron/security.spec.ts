import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// In a real Electron window (runs where the binary exists): the CSP header blocks an injected inline
// script and reports it, permissions are denied, the media schemes serve ids only, and the renderer
// has no way to Node or to the Runway key. docs/security.md maps these to the checklist.
test('the Electron window: CSP enforced, permissions denied, media by id only', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ct-electron-sec-'));
  const app = await electron.launch({
    ...(process.env.CIRCLETAKE_ELECTRON ? { executablePath: process.env.CIRCLETAKE_ELECTRON } : {}),
    args: ['.', '--no-sandbox'],
    env: { ...process.env, CIRCLETAKE_DATA_DIR: dataDir, RUNWAYML_API_SECRET: `key_${'0123456789abcdef'.repeat(8)}` } as Record<string, string>,
  });
  try {
    const win = await app.firstWindow();
    await expect(win.getByRole('heading', { name: 'Projects' })).toBeVisible();

    const csp = await win.evaluate(
      () =>
        new Promise<{ violated: string; ran: boolean }>((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve({ violated: e.violatedDirective, ran: (window as unknown as { __ran?: boolean }).__ran === true }), { once: true });
          const s = document.createElement('script');
          s.textContent = 'window.__ran = true';
          document.body.append(s);
        }),
    );
    expect(csp).toEqual({ violated: expect.stringMatching(/^script-src/), ran: false });

    const perms = await win.evaluate(async () => ({
      notification: await Notification.requestPermission(),
      geolocation: (await navigator.permissions.query({ name: 'geolocation' })).state,
    }));
    expect(perms).toEqual({ notification: 'denied', geolocation: 'denied' });

    const media = await win.evaluate(async () => {
      const codes: number[] = [];
      for (const u of ['media-preview://media/..%2f..%2fcircletake.db', 'media-preview://media/%2e%2e/%2e%2e/etc/passwd', 'media-release://media/art_0000000000', 'media-preview://evil/x']) {
        codes.push(await fetch(u).then((r) => r.status, () => -1));
      }
      return codes;
    });
    for (const c of media) expect([404, -1]).toContain(c);

    const page = await win.evaluate(() => document.documentElement.outerHTML);
    expect(page).not.toContain('0123456789abcdef0123456789abcdef');
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
