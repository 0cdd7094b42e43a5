import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Role } from '../../shared/contract';
import type { Result } from '../../shared/errors';
import type { Core } from '../core/createCore';
import type { Dispatcher } from '../core/dispatch';
import type { MediaResolver } from '../core/media/mediaResolver';

/**
 * What the host needs of a core: this process's own (a Core), or a studio it relays to (`serve --studio`,
 * studioRelay.ts), whose `relay` answers the session's role and streams media and exports from the studio.
 */
export interface HostCore {
  dispatch: Dispatcher;
  resolveMedia: MediaResolver;
  /** A member's named export (GET /exports/<name>/<file>). */
  exportShelf: Pick<Core['exportShelf'], 'open'>;
  reviewLinks: Pick<Core['reviewLinks'], 'lookup' | 'serveAt'>;
  events: Pick<Core['events'], 'subscribeLive'>;
  ports: Pick<Core['ports'], 'logger'>;
  config: Pick<Core['config'], 'dataDir'>;
  relay?: {
    /** The role the studio gives the relay's token (what `/session` answers the page), or why it cannot say. */
    sessionRole(): Promise<Result<Role>>;
    /** A download (`media/<id>`, `exports/<name>/<file>`, as it came) streamed from the studio. */
    forward(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
  };
}

