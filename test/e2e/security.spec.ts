import { expect, test } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHostProcess, tempDataDir } from './hostProcess';

// The browser host in real Chromium (docs/reliability.md E4, R3): the CSP header stops an injected inline
// script and reports it; a page on another port cannot open the events socket even though the
// browser holds the session cookie (same site, different origin).

test('CSP enforced in the page, and no cross-origin events socket', async ({ page }) => {
  const data = tempDataDir();
  const host = await startHostProcess(data.dir);
  let other: Server | undefined;
  try {
    const res = await page.goto(host.openUrl);
    const csp = res!.headers()['content-security-policy']!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();

    const injected = await page.evaluate(
      () =>
        new Promise<{ directive: string; ran: boolean }>((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve({ directive: e.violatedDirective, ran: (window as unknown as { __ran?: boolean }).__ran === true }), { once: true });
          const s = document.createElement('script');
          s.textContent = 'window.__ran = true';
          document.body.append(s);
        }),
    );
    expect(injected).toEqual({ directive: expect.stringMatching(/^script-src/), ran: false });
    // The page's own socket works (the session cookie, our Origin).
    const own = await page.evaluate(
      (url) => new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => (ws.close(), resolve('open'));
        ws.onerror = () => resolve('refused');
      }),
      `${host.url.replace('http', 'ws')}events`,
    );
    expect(own).toBe('open');

    // A page on another port of the same machine (same site, so the SameSite cookie goes along).
    other = createServer((_q, r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other</title>'));
    await new Promise<void>((r) => other!.listen(0, '127.0.0.1', () => r()));
    await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
    const foreign = await page.evaluate(
      (url) => new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      }),
      `${host.url.replace('http', 'ws')}events`,
    );
    expect(foreign).toBe('refused');
  } finally {
    other?.close();
    await host.stop();
    data.cleanup();
  }
});
