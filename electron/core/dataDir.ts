import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { AppError } from '../../shared/errors';

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

const uid = () => (process.getuid ? ` (user ${process.getuid()})` : '');

/**
 * Makes sure the data dir is a folder this user can write, saying in words what is wrong if not: a
 * file where the folder should be, a folder that cannot be made, or one that is read-only (DB_READONLY,
 * with the permission needed). Folders are made one level at a time (recursive mkdir spins under /proc).
 */
export function ensureDataDir(dir: string): void {
  const hint = 'Point --data-dir (or CIRCLETAKE_DATA_DIR) at a folder you can write';
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const step of missing) {
    try {
      mkdirSync(step);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(step).isDirectory()) continue;
      const why = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? `${dirname(step)} is not writable${uid()}` : code === 'ENOTDIR' ? 'part of the path is a file, not a folder' : String(code);
      throw new AppError(code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'DB_READONLY' : 'IO_FAILED', `Cannot create the data dir ${dir}: ${why}. ${hint}.`, { field: 'dataDir', path: dir, reason: code }, { cause: e });
    }
  }
  if (!statSync(dir).isDirectory()) {
    throw new AppError('IO_FAILED', `The data dir ${dir} is a file, not a folder. ${hint}, or move that file away.`, { field: 'dataDir', path: dir, reason: 'ENOTDIR' });
  }
  for (const [path, what] of [[dir, 'the data dir'], [join(dir, 'circletake.db'), 'the database']] as const) {
    if (!existsSync(path)) continue;
    try {
      accessSync(path, constants.W_OK | (path === dir ? constants.X_OK : 0));
    } catch {
      throw new AppError(
        'DB_READONLY',
        `${what === 'the data dir' ? 'The data dir' : 'The database'} ${path} is read-only${uid()}: Circle Take needs write permission on it${path === dir ? '' : ' and on its folder'} (it was not changed, and is not damaged). Give this user write permission (for example chmod u+w), or point --data-dir (or CIRCLETAKE_DATA_DIR) at a folder you can write.`,
        { field: 'dataDir', path, permission: 'write' },
      );
    }
  }
}
