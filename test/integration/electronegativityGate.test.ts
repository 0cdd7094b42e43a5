import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWaivers, runGate } from '../../scripts/electronegativity.mjs';
import { tempDir } from '../support/tmp';

// The gate `npm test` runs (scripts/electronegativity.mjs) must fail where Electronegativity finds
// something nobody waived: proven on a deliberately unsafe shell made here.
const t = tempDir('ct-eng-fixture-');
afterAll(() => t.cleanup());
mkdirSync(join(t.dir, 'electron', 'main'), { recursive: true });
writeFileSync(
  join(t.dir, 'electron', 'main', 'index.js'),
  `const { app, BrowserWindow, shell } = require('electron');
app.whenReady().then(() => {
  const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });
  win.webContents.on('new-window', (e, url) => shell.openExternal(url));
  win.loadURL('http://example.com');
});
`,
);
writeFileSync(join(t.dir, 'package.json'), JSON.stringify({ name: 'unsafe', devDependencies: { electron: '45.3.4' } }));
const { excludedChecks } = loadWaivers();

describe('the Electronegativity gate', () => {
  it('fails on unwaived findings, naming each check and file', { timeout: 60_000 }, async () => {
    const r = await runGate({ root: t.dir, paths: ['electron/main', 'package.json'], waivers: { excludedChecks, waivers: [] } });
    expect(r.ok).toBe(false);
    const ids = new Set(r.findings.map((f) => f.id));
    for (const id of ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'OPEN_EXTERNAL_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']) expect(ids).toContain(id);
    expect(r.problems.find((p) => p.startsWith('CONTEXT_ISOLATION_JS_CHECK'))).toMatch(/electron\/main\/index\.js:3/);
  });

  it('refuses waivers without a real reason and waivers that match nothing', { timeout: 60_000 }, async () => {
    const r = await runGate({
      root: t.dir,
      paths: ['electron/main', 'package.json'],
      waivers: { excludedChecks, waivers: [{ id: 'CONTEXT_ISOLATION_JS_CHECK', file: 'electron/main/index.js', reason: 'fine' }, { id: 'AUXCLICK_JS_CHECK', file: 'nowhere.js', reason: 'a reason that is long enough to count as one' }] },
    });
    expect(r.problems).toEqual(expect.arrayContaining([expect.stringMatching(/needs a reason/), expect.stringMatching(/^stale waiver: AUXCLICK_JS_CHECK/)]));
    expect(r.problems.some((p) => p.startsWith('CONTEXT_ISOLATION_JS_CHECK'))).toBe(false);
  });
});
