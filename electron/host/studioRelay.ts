import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { MemberRole, type Role } from '../../shared/contract/define';
import type { Connection } from '../../shared/contract/system';
import type { Result } from '../../shared/errors';
import type { Logger } from '../core/ports';
import type { HostCore } from './hostCore';
import type { StudioTransport } from './studioTransport';

/**
 * `circletake serve --studio URL --token T`: the browser host serves the renderer from this machine and
 * relays everything else to a studio through the desktop's own StudioTransport, as the member the token
 * names — every contract call (`POST /rpc/<name>`, with the page's Idempotency-Key passed on), the events
 * (the studio's socket, already filtered for the member's role, plus `system.coreStatus` when the studio
 * goes away and comes back), media by id and export downloads. No core is opened here: no database, no queue, no data dir.
 * The studio's answers reach the page as they are (a revoked token's 401 with its reason, a role's 403);
 * a studio that cannot be reached is STUDIO_UNREACHABLE naming its address.
 */
export function studioRelay(transport: StudioTransport, logger: Logger): HostCore {
  return {
    async dispatch(name, input, ctx) {
      const r = await transport.call(name, input, { role: ctx.role, door: 'host', ...(ctx.idempotencyKey ? { idempotencyKey: ctx.idempotencyKey } : {}) });
      // The studio's page knows no studio address of its own; this page is served elsewhere, so it names it.
      if (name === 'system.connection' && r.ok) return { ok: true, value: { ...(r.value as Connection), mode: 'studio', studio: transport.origin } };
      return r;
    },
    // Media goes through `relay.media`; nothing here resolves an id to a file.
    resolveMedia: () => Promise.resolve(null),
    // Exports too are the studio's: `relay.forward` streams them from there.
    exportShelf: { open: () => Promise.resolve(null) },
    // Review links are the studio's: a token of one is looked up there, not here.
    reviewLinks: { lookup: () => Promise.resolve(null), serveAt: () => undefined },
    events: {
      subscribeLive(listener) {
        const offEvents = transport.subscribe((name, payload) => listener(name as Parameters<typeof listener>[0], payload));
        const offStatus = transport.onStatus((s) => listener('system.coreStatus', s));
        return () => {
          offEvents();
          offStatus();
        };
      },
    },
    ports: { logger },
    config: { dataDir: '' }, // unused: exports are the studio's (relay.forward)
    relay: {
      async sessionRole(): Promise<Result<Role>> {
        const r = await transport.session();
        if (!r.ok) return r;
        const role = r.value.role === 'owner' ? 'owner' : MemberRole.safeParse(r.value.role).data;
        return role ? { ok: true, value: role } : { ok: false, error: { code: 'INTERNAL', message: `The studio at ${transport.origin} answered a role this Circle Take does not know ("${r.value.role.slice(0, 40)}"); update Circle Take.` } };
      },
      async forward(req, res, path) {
        const a = await transport.download(path, { method: req.method ?? 'GET', range: req.headers.range ?? null });
        res.writeHead(a.status, a.headers);
        if (!a.body || req.method === 'HEAD') return void res.end();
        await pipeline(Readable.fromWeb(a.body as WebReadableStream<Uint8Array>), res as ServerResponse).catch(() => res.destroy()); // a viewer that stops mid-seek is normal
      },
    },
  };
}
