// Shared by `npm start`, `npm run dev` and the Electron smoke suite: where is Electron's binary,
// and a better-sqlite3 built for Electron's ABI (kept apart from the Node build the tests use).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron executable if it is installed, else null (never downloads). */
export function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return existsSync(p) ? p : null;
  }
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const p = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(p) ? p : null;
}

/** Tries Electron's own installer once. Returns { path } or { error } (its last output line). */
export function tryInstallElectron() {
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return { error: 'the electron package is not installed (run npm install)' };
  const r = spawnSync(process.execPath, [installer], { encoding: 'utf8', timeout: 180_000 });
  const path = electronBinary();
  if (path) return { path };
  const lines = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const reason = lines.find((l) => /ENOTFOUND|ECONNREFUSED|EAI_AGAIN|fetch failed|getaddrinfo|HTTPError|timed out/i.test(l)) ?? lines[0] ?? `exit ${r.status}`;
  return { error: reason.slice(0, 160) };
}

export function electronVersion() {
  return JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/**
 * better-sqlite3 built for Electron, in .electron-native/<version>/ so the Node build under
 * node_modules (used by tests and the CLI) is never replaced. Returns the .node path.
 */
export async function ensureElectronSqlite() {
  const version = electronVersion();
  const base = join(root, '.electron-native', version);
  const binding = join(base, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(binding)) return binding;
  mkdirSync(join(base, 'node_modules'), { recursive: true });
  cpSync(join(root, 'node_modules', 'better-sqlite3'), join(base, 'node_modules', 'better-sqlite3'), {
    recursive: true,
    filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`),
  });
  writeFileSync(join(base, 'package.json'), JSON.stringify({ name: 'electron-native', private: true, dependencies: { 'better-sqlite3': '*' } }));
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: base, electronVersion: version, onlyModules: ['better-sqlite3'], force: true });
  if (!existsSync(binding)) throw new Error(`the Electron build of better-sqlite3 did not produce ${binding}`);
  return binding;
}
