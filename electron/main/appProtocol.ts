import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { appFileFor, appResponseHeaders, PRIVILEGED_SCHEMES } from './appRequest';

/** Registers app:// as a privileged standard scheme. Must run before app is ready. */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES.map((s) => ({ scheme: s.scheme, privileges: { ...s.privileges } })));
}

/** Serves the built renderer from app://renderer/, with the CSP as a header. Paths cannot leave the folder (appRequest.ts). */
export function handleAppProtocol(rendererDir: string): void {
  protocol.handle('app', async (request) => {
    const full = new URL(request.url).host === 'renderer' ? appFileFor(rendererDir, request.url) : null;
    if (!full) return new Response('Not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(full).toString());
    const headers = new Headers(res.headers);
    for (const [k, v] of Object.entries(appResponseHeaders())) headers.set(k, v);
    return new Response(res.body, { status: res.status, headers });
  });
}
