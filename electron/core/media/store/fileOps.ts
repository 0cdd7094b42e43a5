import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AppError } from '../../../../shared/errors';

/**
 * File primitives for the stores and export: hash while copying (one read pass, 1 MiB chunks —
 * ~1.2 GiB/s here), fsync the file, rename into place, fsync the folder. Errors become AppError
 * IO_FAILED naming what happened (disk full, permission denied) and the way out.
 */
const CHUNK = 1024 * 1024;

/** sha256 of a file, hex. */
export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK, ...(signal ? { signal } : {}) })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A temp name beside `target` (same folder, so the final rename stays on one filesystem). */
export function tempNameIn(dir: string, label: string): string {
  return join(dir, `${label}.${randomBytes(6).toString('hex')}.partial`);
}

/**
 * Copies `from` to `to` (which must not exist yet), hashing as it goes, and fsyncs. On any failure the
 * partial `to` is removed before the error is thrown.
 */
export function copyHashed(from: string, to: string, signal?: AbortSignal): Promise<{ sha256: string; sizeBytes: number }> {
  return writeHashed(createReadStream(from, { highWaterMark: CHUNK, ...(signal ? { signal } : {}) }), to, signal);
}

/** Writes a stream (a file, an object store's body) to `to` the same way: hashed, fsynced, all or nothing. */
export async function writeHashed(source: AsyncIterable<unknown>, to: string, signal?: AbortSignal): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const out = await open(to, 'wx').catch((e: unknown) => {
    throw ioError(e, `create ${to}`, dirname(to));
  });
  try {
    for await (const chunk of source) {
      signal?.throwIfAborted();
      const buf = chunk as Buffer;
      hash.update(buf);
      let off = 0;
      while (off < buf.length) {
        const { bytesWritten } = await out.write(buf, off, buf.length - off);
        off += bytesWritten;
      }
      size += buf.length;
    }
    await out.sync();
    await out.close();
  } catch (e) {
    await out.close().catch(() => undefined);
    await rm(to, { force: true }).catch(() => undefined);
    if ((e as { name?: string }).name === 'AbortError') throw new AppError('CANCELLED', 'Copy cancelled; the partial file was removed.');
    throw ioError(e, `copy into ${dirname(to)}`, dirname(to));
  }
  return { sha256: hash.digest('hex'), sizeBytes: size };
}

/** Writes a small file durably: temp, fsync, rename, fsync the folder. */
export async function writeFileDurable(file: string, data: string | Buffer): Promise<void> {
  const tmp = tempNameIn(dirname(file), 'write');
  const fh = await open(tmp, 'wx').catch((e: unknown) => {
    throw ioError(e, `create ${tmp}`, dirname(file));
  });
  try {
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    await rename(tmp, file);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw ioError(e, `write ${file}`, dirname(file));
  }
  await fsyncDir(dirname(file));
}

/** Makes a rename durable (POSIX). Windows cannot open folders for fsync; there it is a no-op. */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function ensureDir(dir: string, doing = `create the folder ${dir}`): Promise<void> {
  // One level at a time, never `recursive: true`: Node's recursive mkdir spins forever under /proc
  // (it keeps getting ENOENT for a parent it just "made"), so `export --to /proc/x` hung.
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const step of missing) {
    try {
      await mkdir(step);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(step, { throwIfNoEntry: false })?.isDirectory()) continue;
      throw ioError(e, doing, dir);
    }
  }
  if (missing.length === 0 && !statSync(dir).isDirectory()) throw ioError(Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }), doing, dir);
}

/** Turns a Node fs error into IO_FAILED that says what happened and what to do. */
export function ioError(e: unknown, doing: string, where: string): AppError {
  if (e instanceof AppError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? 'UNKNOWN';
  const reasons: Record<string, string> = {
    ENOSPC: `the disk is full. Free some space on the drive holding ${where}, or pick a folder on another drive`,
    EDQUOT: `the disk quota is used up. Free some space, or pick a folder on another drive`,
    EFBIG: `the file is larger than this system allows there (a file-size limit, or a drive format such as FAT32). Pick a folder on another drive`,
    EACCES: `permission denied. Pick a folder you can write to, or change the folder's permissions`,
    EPERM: `the operation is not permitted. Pick a folder you can write to`,
    EROFS: `${where} is on a read-only drive. Pick a folder on a writable drive`,
    ENOENT: `a folder on the way does not exist. Check the path`,
    ENOTDIR: `part of the path is a file, not a folder. Check the path`,
    EEXIST: `a file with that name already exists`,
  };
  const reason = reasons[code] ?? (e as Error).message;
  return new AppError('IO_FAILED', `Could not ${doing}: ${reason}.`, { reason: code, path: where }, { cause: e });
}

/** NOT_FOUND or VALIDATION naming `fromFile` unless `file` is a readable regular file. */
export async function assertReadableFile(file: string): Promise<void> {
  const s = await stat(file).catch((e: unknown) => {
    throw (e as NodeJS.ErrnoException).code === 'ENOENT'
      ? new AppError('NOT_FOUND', `No file at ${file} to store.`, { field: 'fromFile' })
      : ioError(e, `read ${file}`, file);
  });
  if (!s.isFile()) throw new AppError('VALIDATION', `${file} is not a file.`, { field: 'fromFile' });
}
