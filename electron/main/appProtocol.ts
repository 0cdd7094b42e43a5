import { net, protocol } from 'electron';
import { extname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { contentSecurityPolicy } from './security';

/** Registers app:// as a privileged standard scheme. Must run before app is ready. */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: 'media-preview', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
    { scheme: 'media-release', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/** Serves the built renderer from app://renderer/, with the CSP as a header. Paths cannot leave the folder. */
export function handleAppProtocol(rendererDir: string): void {
  const root = resolve(rendererDir);
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    let rel = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
    if (extname(rel) === '') rel = 'index.html';
    const full = resolve(join(root, rel));
    const r = relative(root, full);
    if (r.startsWith('..') || resolve(root, r) !== full) return new Response('Not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(full).toString());
    const headers = new Headers(res.headers);
    headers.set('content-security-policy', contentSecurityPolicy());
    headers.set('x-content-type-options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
}
