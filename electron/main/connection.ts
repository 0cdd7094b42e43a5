import { ConnectRequest, SaveExportRequest, type Connection } from '../../shared/contract/system';
import { AppError, validationError, type Result } from '../../shared/errors';
import type { Logger } from '../core/ports';
import type { CoreTransport } from '../host/coreTransport';
import { type StudioConnection, type StudioLink } from './studioConnection';
import { StudioTransport } from '../host/studioTransport';
import { SwitchableTransport } from './switchableTransport';
import { saveStudioExport } from './saveExport';

export interface ConnectionOptions {
  store: StudioConnection;
  /** Starts the local core (the utility process); called at start in local mode and on "Work locally". */
  startLocal: () => Promise<CoreTransport>;
  logger: Logger;
  studio?: { reconnectMs?: number; attempts?: number; backoffMs?: number };
  /** A native folder picker (system.saveExport without a folder); absent: the folder must be given. */
  pickFolder?: (title: string) => Promise<string | null>;
}

/**
 * "Connect to a studio" / "Work locally" for the desktop: owns main's one transport (SwitchableTransport)
 * and what it points at — the local core process (`startLocal`) or a studio (StudioTransport, the member's
 * token from StudioConnection). At start it reconnects to the saved studio, if any. Switching never loses
 * the windows' subscriptions; a failed connect leaves the current side as it was.
 */
export class ConnectionManager {
  private link: StudioLink | null = null;
  /** The studio's transport while linked (downloads with the member's token). */
  private studio: StudioTransport | null = null;

  private constructor(
    readonly transport: SwitchableTransport,
    private readonly o: ConnectionOptions,
  ) {}

  static async start(o: ConnectionOptions): Promise<ConnectionManager> {
    const saved = await o.store.load();
    if (saved) {
      o.logger.log('info', 'working with a studio', { studio: new URL(saved.link.url).origin });
      const studio = StudioTransport.start({ url: saved.link.url, token: saved.token, ...o.studio });
      const m = new ConnectionManager(new SwitchableTransport(studio), o);
      m.link = saved.link;
      m.studio = studio;
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
      this.studio = null;
      await this.transport.switchTo(local, 'Working locally: this machine\'s projects, queue and credits.');
      return this.view();
    }
    // Accepting the invite is the only step that can fail on the studio's side; until it succeeds nothing changes here.
    const { link, token } = await this.o.store.join(req.url, req.invite);
    const studio = StudioTransport.start({ url: link.url, token, ...this.o.studio });
    this.link = link;
    this.studio = studio;
    await this.transport.switchTo(studio, `Connected to the studio at ${new URL(link.url).origin} as ${link.member.name} (${link.member.role}).`);
    return this.view();
  }

  /** Copies a member's named export from the studio into a folder here (picked when not given). */
  async saveExport(req: SaveExportRequest): Promise<{ dir: string | null; files: string[] }> {
    const studio = this.studio;
    if (!this.link || !studio) {
      throw new AppError('VALIDATION', 'Working locally: an export is written straight into the folder you choose; there is nothing to fetch from a studio.', { field: 'name' });
    }
    let toDir = req.toDir;
    if (toDir === undefined) {
      if (!this.o.pickFolder) throw new AppError('VALIDATION', 'toDir: give the full path of a folder on this computer.', { field: 'toDir' });
      const picked = await this.o.pickFolder(`Save "${req.name}" into`);
      if (picked === null) return { dir: null, files: [] };
      toDir = picked;
    }
    return saveStudioExport((path, r) => studio.download(path, r), { ...req, toDir }, studio.origin);
  }

  /** The calls main answers itself (the window's session, its switch, saving a studio's export here); null for every other call. */
  async answer(name: string, input: unknown): Promise<Result<unknown> | null> {
    if (name === 'system.connection') return { ok: true, value: this.view() };
    if (name === 'system.saveExport') return answered(name, SaveExportRequest.safeParse(input), (req) => this.saveExport(req));
    if (name === 'system.connect') return answered(name, ConnectRequest.safeParse(input), (req) => this.connect(req));
    return null;
  }
}

/** A call main answers: its input checked (VALIDATION naming the field), its AppError as the answer. */
async function answered<I>(name: string, parsed: { success: true; data: I } | { success: false; error: { issues: Parameters<typeof validationError>[0] } }, run: (input: I) => Promise<unknown>): Promise<Result<unknown>> {
  if (!parsed.success) return { ok: false, error: validationError(parsed.error.issues, name).toPayload() };
  try {
    return { ok: true, value: await run(parsed.data) };
  } catch (e) {
    if (e instanceof AppError) return { ok: false, error: e.toPayload() };
    throw e;
  }
}
