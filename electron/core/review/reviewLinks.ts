import { createHash, randomBytes } from 'node:crypto';
import type { LinkRole, ReviewLink, SharedLink } from '../../../shared/contract/review';
import { AppError } from '../../../shared/errors';
import type { CoreEvents } from '../coreEvents';
import type { SqlEngine } from '../db/engine/sqlEngine';
import type { Clock, Ids } from '../ports';
import { reviewLinkRepo as repo } from './reviewLinkRepo';

/** Where links can be opened: the server that serves them (the browser host, or one Electron starts). */
export interface ReviewServer {
  /** Base URLs ending in "/": this machine's first, then each LAN address. Starts the server if need be. */
  baseUrls(): Promise<{ local: string; lan: string[] }>;
}

export const tokenDigest = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Review links made from the app: a 256-bit token shown once (in the link), kept as its digest, so
 * every server on the data dir honours it until it is revoked. A revocation is an event every
 * process hears (the change feed), so each server closes that link's sockets at once.
 */
export class ReviewLinks {
  private server: ReviewServer | null = null;

  constructor(
    private readonly engine: SqlEngine,
    private readonly events: CoreEvents,
    private readonly clock: Clock,
    private readonly ids: Ids,
  ) {}

  /** The door that serves links registers here (the host when it listens; Electron lazily). */
  serveAt(server: ReviewServer | null): void {
    this.server = server;
  }

  async share(role: LinkRole, name: string): Promise<SharedLink> {
    const token = randomBytes(32).toString('hex');
    const link: ReviewLink = { id: this.ids.newId('rvl'), role, name: name.trim(), createdAt: this.clock.now() };
    const bases = this.server ? await this.server.baseUrls() : null;
    await this.engine.tx((q) => repo.insert(q, link, tokenDigest(token)));
    this.events.emit('review.changed', { kind: 'created', link });
    if (!bases) {
      return { link, urls: [], qrSvg: null, note: `No review server is running here. Start one with \`circletake review --lan\`; the link for ${link.name} must then be made there.` };
    }
    const urls = [bases.local, ...bases.lan].map((b) => `${b}#token=${token}`);
    const shown = bases.lan.length > 0 ? urls[1]! : urls[0]!;
    const who = role === 'reviewer' ? 'see the board, stream previews, tag and comment' : 'also shortlist, finalize and export, and read credits';
    const where =
      bases.lan.length > 0
        ? 'It opens on this machine and on others on your local network (the QR code is the network link).'
        : 'It opens on this machine only: this server listens on loopback. For other machines, run `circletake review --lan` on this data dir; this link’s token works there too.';
    return {
      link,
      urls,
      qrSvg: await (await import('qrcode')).toString(shown, { type: 'svg', errorCorrectionLevel: 'M' }),
      note: `${link.name} can ${who}, until you revoke the link. ${where} The link is shown only now: copy it.`,
    };
  }

  list(): Promise<ReviewLink[]> {
    return repo.live(this.engine);
  }

  async revoke(id: string): Promise<ReviewLink> {
    const now = this.clock.now();
    const { link, revoked } = await this.engine.tx(async (q) => {
      const found = await repo.get(q, id);
      if (!found) throw new AppError('NOT_FOUND', `No review link with id ${id}. List the live links to see their ids.`, { field: 'id', id });
      return { link: found, revoked: await repo.revoke(q, id, now) };
    });
    const { isRevoked: _gone, ...plain } = link;
    if (revoked) this.events.emit('review.changed', { kind: 'revoked', link: plain });
    return plain;
  }

  /** The live link a presented token belongs to, or null (unknown or revoked). */
  async lookup(token: string | null | undefined): Promise<ReviewLink | null> {
    if (!token || !/^[0-9a-f]{64}$/.test(token)) return null;
    return repo.liveByDigest(this.engine, tokenDigest(token));
  }
}
