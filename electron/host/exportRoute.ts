import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ErrorPayload } from '../../shared/errors';
import { exportFolder } from '../core/policy/roleScope';

/** A file an export wrote: a take, the sequence or the manifest (takeFileName, SEQUENCE_NAME, MANIFEST_NAME). */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,199}$/;
const TYPES: Record<string, string> = { mp4: 'video/mp4', mov: 'video/quicktime', json: 'application/json; charset=utf-8' };

/**
 * `GET /exports/<name>/<file>` (and HEAD): a file of an export a member made by name (`export.run` from any
 * session but the owner's lands in `<dataDir>/exports/<name>`, electron/core/policy/roleScope.ts), sent as
 * a download. The caller has checked Host/Origin, the token and that the role may export. Names only: the
 * folder and the file are each one plain name, and the file actually opened must lie inside the exports
 * folder, so a symlink planted there serves nothing. Anything else is 404.
 */
export async function serveExport(
  req: IncomingMessage,
  res: ServerResponse,
  rest: string,
  dataDir: string,
  sendError: (res: ServerResponse, e: ErrorPayload) => void,
): Promise<void> {
  const notFound = () => sendError(res, { code: 'NOT_FOUND', message: `No export file at /exports/${rest.slice(0, 120)}.` });
  const parts = rest.split('/');
  if (parts.length !== 2) return notFound();
  const [name, file] = parts as [string, string];
  if (!FILE_NAME.test(file) || file.includes('..')) return notFound();
  let dir: string;
  try {
    dir = exportFolder(dataDir, name);
  } catch {
    return notFound();
  }
  let real: string;
  try {
    const root = await realpath(join(dataDir, 'exports'));
    real = await realpath(join(dir, file));
    if (!real.startsWith(root + sep) || !(await stat(real)).isFile()) return notFound();
  } catch {
    return notFound();
  }
  const size = (await stat(real)).size;
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  res.writeHead(200, {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'content-length': String(size),
    'content-disposition': `attachment; filename="${file}"`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  if (req.method === 'HEAD') return void res.end();
  await pipeline(createReadStream(real), res).catch(() => res.destroy());
}
