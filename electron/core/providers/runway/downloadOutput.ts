import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../../../shared/errors';
import { ProviderCallError } from '../provider';
import { parseRetryAfterMs, provablyNeverSent } from './runwayErrors';

export interface DownloadOptions {
  /** http:// is accepted only for loopback hosts, and only when this is set (tests against a fake server). */
  allowLoopbackHttp: boolean;
  timeoutMs: number;
  maxBytes: number;
  nowMs: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Checks an output location before fetching: HTTPS, or http on loopback when allowed. */
export function checkOutputUrl(raw: string, allowLoopbackHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ProviderCallError('Runway returned an output that is not a URL.', { verdict: 'fatal', isProviderFault: true });
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && allowLoopbackHttp && LOOPBACK.has(url.hostname)) return url;
  throw new ProviderCallError(`Refusing to download a Runway output over ${url.protocol} from ${url.hostname}: only HTTPS is accepted.`, { verdict: 'fatal', isProviderFault: true });
}

/** Describes a URL without its query (signed URLs carry credentials in the query). */
const where = (u: URL): string => `${u.origin}${u.pathname}`;

/**
 * Streams one output into destFile (the caller's temp file). On any failure the partial file is
 * removed. An expired signed URL (401/403/410) is 'retry' with details.isExpired: GET the task again for
 * a fresh URL.
 */
export async function downloadOutput(raw: string, destFile: string, signal: AbortSignal, opts: DownloadOptions): Promise<number> {
  const url = checkOutputUrl(raw, opts.allowLoopbackHttp);
  if (signal.aborted) throw new AppError('CANCELLED', 'Stopped before downloading the output.');
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  let res: Response;
  try {
    res = await fetch(url, { signal: combined, redirect: 'follow' });
  } catch (e) {
    if (signal.aborted) throw new AppError('CANCELLED', 'Stopped while downloading the output.');
    const reason = timeout.aborted ? 'timed out' : provablyNeverSent(e) ? 'could not connect' : 'lost the connection';
    throw new ProviderCallError(`Downloading the output from ${where(url)} ${reason}.`, { verdict: 'retry', isProviderFault: true, details: { reason } });
  }
  const finalUrl = res.url ? checkOutputUrl(res.url, opts.allowLoopbackHttp) : url;
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    const status = res.status;
    const isExpired = status === 401 || status === 403 || status === 410;
    if (isExpired) throw new ProviderCallError(`The output URL has expired (${status}); fetch the task again for a fresh URL.`, { verdict: 'retry', httpStatus: status, isProviderFault: false, details: { isExpired: true } });
    if (status === 404) throw new ProviderCallError(`The output is gone (404) at ${where(finalUrl)}.`, { verdict: 'fatal', code: 'NOT_FOUND', httpStatus: status, isProviderFault: false });
    const retryAfterMs = parseRetryAfterMs((n) => res.headers.get(n), opts.nowMs);
    const verdict = status === 429 || status === 408 || status >= 500 ? 'retry' : 'fatal';
    throw new ProviderCallError(`Downloading the output failed (${status}) at ${where(finalUrl)}.`, { verdict, httpStatus: status, retryAfterMs, isProviderFault: status >= 500 });
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > opts.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new ProviderCallError(`The output is ${declared} bytes, more than the ${opts.maxBytes}-byte limit.`, { verdict: 'fatal', isProviderFault: false });
  }
  if (!res.body) throw new ProviderCallError('Runway sent an empty output.', { verdict: 'retry', isProviderFault: true });

  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (bytes > opts.maxBytes) cb(new RangeError(`more than ${opts.maxBytes} bytes`));
      else cb(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>), counter, createWriteStream(destFile, { flags: 'w', flush: true }), { signal: combined });
  } catch (e) {
    await rm(destFile, { force: true });
    if (signal.aborted) throw new AppError('CANCELLED', 'Stopped while downloading the output.');
    if (e instanceof RangeError) throw new ProviderCallError(`The output is ${e.message}, over the limit.`, { verdict: 'fatal', isProviderFault: false });
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOSPC' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new AppError('IO_FAILED', `Could not write the downloaded output (${String(code)}).`, { code }, { cause: e });
    }
    throw new ProviderCallError(`Downloading the output from ${where(finalUrl)} broke off (${timeout.aborted ? 'timed out' : String(code ?? (e as Error).message)}).`, { verdict: 'retry', isProviderFault: true });
  }
  if (Number.isFinite(declared) && bytes !== declared) {
    await rm(destFile, { force: true });
    throw new ProviderCallError(`The output download was truncated (${bytes} of ${declared} bytes).`, { verdict: 'retry', isProviderFault: true });
  }
  return bytes;
}
