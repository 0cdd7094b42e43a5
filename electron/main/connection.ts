import { ConnectRequest, type Connection } from '../../shared/contract/system';
import { AppError, validationError, type Result } from '../../shared/errors';
import type { Logger } from '../core/ports';
import type { CoreTransport } from '../host/coreTransport';
import { type StudioConnection, type StudioLink } from './studioConnection';
import { StudioTransport } from '../host/studioTransport';
import { SwitchableTransport } from './switchableTransport';

export interface ConnectionOptions {
  store: StudioConnection;
  /** Starts the local core (the utility process); called at start in local mode and on "Work locally". */
  startLocal: () => Promise<CoreTransport>;
  logger: Logger;
  studio?: { reconnectMs?: number; attempts?: number; backoffMs?: number };
}

/**
 * "Connect to a studio" / "Work locally" for the desktop: owns main's one transport (SwitchableTransport)
 * and what it points at — the local core process (`startLocal`) or a studio (StudioTransport, the member's
 * token from StudioConnection). At start it reconnects to the saved studio, if any. Switching never loses
 * the windows' subscriptions; a failed connect leaves the current side as it was.
 */
export class ConnectionManager {
  private link: StudioLink | null = null;

  private constructor(
    readonly transport: SwitchableTransport,
    private readonly o: ConnectionOptions,
  ) {}

  static async start(o: ConnectionOptions): Promise<ConnectionManager> {
    const saved = await o.store.load();
    if (saved) {
      o.logger.log('info', 'working with a studio', { studio: new URL(saved.link.url).origin });
      const m = new ConnectionManager(new SwitchableTransport(StudioTransport.start({ url: saved.link.url, token: saved.token, ...o.studio })), o);
      m.link = saved.link;
      return m;
    }
    return new ConnectionManager(new SwitchableTransport(await o.startLocal()), o);
  }

  view(): Connection {
    return this.link
      ? { mode: 'studio', studio: new URL(this.link.url).origin, member: { id: this.link.member.id, name: this.link.member.name, role: this.link.member.role }, canSwitch: true }
      : { mode: 'local', studio: null, member: null, canSwitch: true };
  }

  async connect(req: ConnectRequest): Promise<Connection> {
    if (req.mode === 'local') {
      if (!this.link) return this.view();
      const local = await this.o.startLocal();
      this.o.store.forget();
      this.link = null;
      await this.transport.switchTo(local, 'Working locally: this machine\'s projects, queue and credits.');
      return this.view();
    }
    // Accepting the invite is the only step that can fail on the studio's side; until it succeeds nothing changes here.
    const { link, token } = await this.o.store.join(req.url, req.invite);
    const studio = StudioTransport.start({ url: link.url, token, ...this.o.studio });
    this.link = link;
    await this.transport.switchTo(studio, `Connected to the studio at ${new URL(link.url).origin} as ${link.member.name} (${link.member.role}).`);
    return this.view();
  }

  /** The two calls main answers itself (the window's session and its switch); null for every other call. */
  async answer(name: string, input: unknown): Promise<Result<unknown> | null> {
    if (name === 'system.connection') return { ok: true, value: this.view() };
    if (name !== 'system.connect') return null;
    const parsed = ConnectRequest.safeParse(input);
    if (!parsed.success) return { ok: false, error: validationError(parsed.error.issues, 'system.connect').toPayload() };
    try {
      return { ok: true, value: await this.connect(parsed.data) };
    } catch (e) {
      if (e instanceof AppError) return { ok: false, error: e.toPayload() };
      throw e;
    }
  }
}
