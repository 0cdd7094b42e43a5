import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The app's folder name; Electron's userData for package name "circletake" lands in the same place. */
export const APP_DIR_NAME = 'circletake';

/** Where Electron's app.getPath('userData') puts data on each OS, computed without Electron. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_DIR_NAME);
}

/** --data-dir, then CIRCLETAKE_DATA_DIR, then the OS default. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  if (env.CIRCLETAKE_DATA_DIR) return resolve(env.CIRCLETAKE_DATA_DIR);
  return defaultDataDir(env);
}
