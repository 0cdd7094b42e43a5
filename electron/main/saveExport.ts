import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { randomBytes } from 'node:crypto';
import type { SaveExportRequest } from '../../shared/contract/system';
import { AppError } from '../../shared/errors';
import type { MediaResponse } from '../host/coreTransport';
import { isExportFileName, isExportName } from '../core/media/export/exportShelf';

/** A studio's download by path (`exports/<name>/<file>`), with the member's token (StudioTransport.download). */
export type StudioDownload = (path: string, req: { method: string; range: string | null }) => Promise<MediaResponse>;

/**
 * The desktop on a studio keeps a member's export on this computer: each file of the named export is
 * fetched from the studio (`GET /exports/<name>/<file>`, the member's token; the studio checks the role)
 * into `toDir`. All or nothing: the files land as hidden partial files and are renamed into place only
 * once every one arrived whole (the manifest last); a file already there is never overwritten
 * (CONFLICT, before anything is fetched), and a failure leaves no partial file behind.
 */
export async function saveStudioExport(download: StudioDownload, req: Required<SaveExportRequest>, studio: string): Promise<{ dir: string; files: string[] }> {
  const name = req.name.trim();
  if (!isExportName(name)) {
    throw new AppError('VALIDATION', `name: "${name.slice(0, 80)}" is not an export's name (one plain name: letters, digits, space, . _ -).`, { field: 'name' });
  }
  const bad = req.files.find((f) => !isExportFileName(f));
  if (bad !== undefined) throw new AppError('VALIDATION', `files: "${bad.slice(0, 80)}" is not a file of an export (one plain name each).`, { field: 'files' });
  const files = [...new Set(req.files)].sort((a, b) => Number(a === 'manifest.json') - Number(b === 'manifest.json'));
  if (!isAbsolute(req.toDir)) throw new AppError('VALIDATION', `toDir: "${req.toDir}" is a relative path; give the full path of a folder on this computer, or pick one.`, { field: 'toDir' });
  const dir = resolve(req.toDir);
  await mkdir(dir, { recursive: true }).catch((e: unknown) => {
    throw new AppError('IO_FAILED', `Could not create ${dir} (${(e as NodeJS.ErrnoException).code ?? String(e)}); pick another folder.`, { field: 'toDir' });
  });
  const clashes: string[] = [];
  for (const f of files) if (await stat(join(dir, f)).then(() => true, () => false)) clashes.push(f);
  if (clashes.length > 0) {
    throw new AppError('CONFLICT', `${dir} already holds ${clashes.join(', ')}. Pick an empty folder, or move those files away; nothing was written.`, { field: 'toDir', files: clashes });
  }
  const tag = randomBytes(4).toString('hex');
  const partial = (f: string) => join(dir, `.${f}.${tag}.partial`);
  const landed: string[] = [];
  try {
    for (const f of files) {
      const res = await download(`exports/${encodeURIComponent(name)}/${encodeURIComponent(f)}`, { method: 'GET', range: null });
      if (res.status !== 200 || !res.body) throw refusal(res, name, f, studio);
      await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(partial(f), { flags: 'wx' })).catch((e: unknown) => {
        throw new AppError('IO_FAILED', `Saving ${f} into ${dir} failed (${(e as NodeJS.ErrnoException).code ?? String(e)}); nothing was kept. Check the drive and the connection, and save again.`, { field: 'toDir' });
      });
    }
    for (const f of files) {
      await rename(partial(f), join(dir, f));
      landed.push(f);
    }
  } catch (e) {
    await Promise.all([...files.map((f) => rm(partial(f), { force: true })), ...landed.map((f) => rm(join(dir, f), { force: true }))]);
    throw e;
  }
  return { dir, files };
}

function refusal(res: MediaResponse, name: string, file: string, studio: string): AppError {
  if (res.status === 404) return new AppError('NOT_FOUND', `The studio has no file ${file} in the export "${name}". Export it again, then save it; nothing was written.`, { field: 'name' });
  if (res.status === 401) return new AppError('UNAUTHORIZED', `The studio at ${studio} no longer accepts this computer's token; connect again with a new invite. Nothing was written.`);
  if (res.status === 403) return new AppError('FORBIDDEN', `Your role on the studio may not download exports; a producer or an admin can. Nothing was written.`);
  if (res.status === 503 || res.status === 502) return new AppError('STUDIO_UNREACHABLE', `The studio at ${studio} cannot be reached; save again once it is back. Nothing was written.`);
  return new AppError('IO_FAILED', `The studio answered ${res.status} for ${file}; nothing was written. Save again.`, { field: 'name' });
}
