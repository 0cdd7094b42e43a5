import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ErrorPayload } from '../../shared/errors';
import { exportContentType, isExportFileName, isExportName, type ExportShelf } from '../core/media/export/exportShelf';

/**
 * `GET /exports/<name>/<file>` (and HEAD): a file of an export a member made by name (`export.run` from any
 * session but the owner's), sent as a download, from where the core keeps it (core/media/export/exportShelf.ts):
 * the data dir's exports folder, or on a studio the bucket, so any studio process serves any export. The
 * caller has checked Host/Origin, the token and that the role may export. Names only: the folder and the
 * file are each one plain name, and a file found outside the exports folder (a planted symlink) serves
 * nothing. Anything else is 404.
 */
export async function serveExport(
  req: IncomingMessage,
  res: ServerResponse,
  rest: string,
  shelf: Pick<ExportShelf, 'open'>,
  sendError: (res: ServerResponse, e: ErrorPayload) => void,
): Promise<void> {
  const notFound = () => sendError(res, { code: 'NOT_FOUND', message: `No export file at /exports/${rest.slice(0, 120)}.` });
  const parts = rest.split('/');
  if (parts.length !== 2) return notFound();
  const [name, file] = parts as [string, string];
  if (!isExportName(name) || !isExportFileName(file)) return notFound();
  const found = await shelf.open(name, file).catch(() => null);
  if (!found) return notFound();
  res.writeHead(200, {
    'content-type': exportContentType(file),
    'content-length': String(found.sizeBytes),
    'content-disposition': `attachment; filename="${file}"`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  if (req.method === 'HEAD') return void res.end();
  const body = await found.stream().catch(() => null);
  if (!body) return void res.destroy();
  await pipeline(body, res).catch(() => res.destroy());
}
