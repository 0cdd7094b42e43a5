// npm start / npm run dev: the Electron window when Electron's binary exists (or can be fetched),
// otherwise — in one line — why not, and the browser host instead.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { electronBinary, ensureElectronSqlite, root, tryInstallElectron } from './electronEnv.mjs';

const isDev = process.argv.includes('--dev');
const passthrough = process.argv.slice(2).filter((a) => a !== '--dev');
const electronVite = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');

function run(cmd, args, env = process.env) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

let electron = electronBinary();
let whyNot = '';
if (!electron) {
  const got = tryInstallElectron();
  electron = got.path ?? null;
  whyNot = got.error ?? '';
}

if (electron) {
  let binding;
  try {
    binding = await ensureElectronSqlite();
  } catch (e) {
    console.error(`circletake: could not build better-sqlite3 for Electron (${e.message}); starting the browser host instead.`);
  }
  if (binding) {
    const env = { ...process.env, CIRCLETAKE_SQLITE_BINDING: binding };
    if (isDev) run(process.execPath, [electronVite, 'dev', ...passthrough], env);
    else {
      const b = spawnSync(process.execPath, [electronVite, 'build'], { cwd: root, stdio: 'inherit' });
      if (b.status !== 0) process.exit(b.status ?? 1);
      run(electron, ['.', ...passthrough], env);
    }
  } else fallback();
} else {
  console.log(`Electron's binary is not available on this machine (${whyNot}); starting the browser host instead.`);
  fallback();
}

function fallback() {
  if (isDev) {
    run(process.execPath, [join(root, 'scripts', 'devHost.mjs'), ...passthrough]);
    return;
  }
  const b = spawnSync(process.execPath, [electronVite, 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (b.status !== 0) process.exit(b.status ?? 1);
  run(process.execPath, [join(root, 'bin', 'circletake.js'), 'serve', ...passthrough]);
}
