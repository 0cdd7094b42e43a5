import { protocol } from 'electron';
import type { CoreTransport } from '../host/coreTransport';

/**
 * Serves media by id on the two schemes registered in appProtocol.ts:
 *   media-preview://media/<id>   → only files under <data>/preview
 *   media-release://media/<id>   → only files under <data>/release
 * The decision (ids only, the scheme's own root, ranges) is made by the core
 * (core/media/serve/mediaRequest.ts, fuzzed under Node) in its own process; main only turns the
 * transport's answer into a Response — a local file re-opened here inside its class root, or bytes
 * pulled from the core. Call once, after app is ready and the transport is up.
 */
const CLASSES = ['preview', 'release'] as const;

export function handleMediaProtocols(transport: CoreTransport): void {
  for (const cls of CLASSES) {
    protocol.handle(`media-${cls}`, async (request) => {
      const a = await transport.media({ url: request.url, method: request.method, range: request.headers.get('range'), cls });
      if (!a.body) return new Response(a.status === 404 ? 'Not found' : null, { status: a.status, headers: a.headers });
      return new Response(a.body, { status: a.status, headers: a.headers });
    });
  }
}
