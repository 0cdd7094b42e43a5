import { closeSync, constants, fstatSync, openSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';

/**
 * Opens a media file for reading only if the file actually opened lies inside `root`. The resolver
 * already realpath-checked the path, but a symlink swapped in after that check would still be
 * followed by a plain open. So: open without following a final symlink (O_NOFOLLOW), then ask the
 * kernel where the open descriptor points (/proc/self/fd on Linux; elsewhere the path's realpath
 * must still be the very file opened, same device and inode) and check that against the root.
 * Returns the descriptor (the caller streams from it and closes it) or null.
 */
export function openInside(root: string, file: string): { fd: number; size: number } | null {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return null;
  }
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return null; // missing, a symlink (ELOOP), a folder, unreadable: nothing to serve
  }
  try {
    const st = fstatSync(fd);
    const where = st.isFile() ? openedPath(fd, file, st) : null;
    if (where !== null && isWithin(realRoot, where)) return { fd, size: st.size };
  } catch {
    // fall through: refuse
  }
  closeSync(fd);
  return null;
}

function openedPath(fd: number, file: string, st: Stats): string | null {
  if (process.platform === 'linux') {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      // /proc not mounted: use the portable check below
    }
  }
  try {
    const real = realpathSync(file);
    const now = statSync(real);
    return now.ino === st.ino && now.dev === st.dev ? real : null;
  } catch {
    return null;
  }
}

/** True when `p` is strictly inside `root` (both absolute, real paths). */
export function isWithin(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
