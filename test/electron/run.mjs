// The Electron smoke suite: runs where Electron's binary exists, and otherwise says it was skipped and why.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { electronBinary, ensureElectronSqlite, root } from '../../scripts/electronEnv.mjs';

const electron = electronBinary();
if (!electron) {
  const reason = 'no Electron binary on this machine (node_modules/electron/dist is missing and its download host is unreachable)';
  const specs = readdirSync(join(root, 'test', 'electron')).filter((f) => f.endsWith('.spec.ts')).sort();
  console.log(`SKIPPED Electron smoke suite: ${reason}. Where github.com is reachable, \`npx install-electron\` fetches it and this suite runs.`);
  console.log(`SKIPPED specs: ${specs.join(', ')}.`);
  // Named on its own: the proof that the core runs in a utilityProcess (issue #18) needs the binary too.
  console.log(
    'SKIPPED utility.spec.ts: the check that the core runs in an Electron utilityProcess and answers (main has no database open, restart once, quit disposes it). ' +
      'Without Electron, electron/main/supervisedCore.test.ts and electron/utility/coreService.test.ts run the same core process code under Node.',
  );
  // For npm test's summary line: the one suite allowed to skip says so there too.
  const dir = join(root, 'test-results', 'summary');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'electron-smoke.json'), JSON.stringify({ skipped: true, reason, specs }));
  process.exit(0);
}
const binding = await ensureElectronSqlite();
const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const r = spawnSync(process.execPath, [join(root, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '-c', 'test/electron/playwright.config.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CIRCLETAKE_SQLITE_BINDING: binding, CIRCLETAKE_ELECTRON: electron },
});
process.exit(r.status ?? 1);
