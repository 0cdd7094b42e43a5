import { closeSync, createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { CoreStatus } from '../../shared/contract/system';
import type { Result } from '../../shared/errors';
import { openInside } from '../core/media/serve/openInside';
import type { Logger } from '../core/ports';
import { stoppedResult, type CoreProcessConfig, type CoreToMain, type MainToCore, type MediaRequest, type Wire, type WireCallContext, type WireMediaAnswer } from '../utility/protocol';
import { CoreProcessClient, type MainServices } from './coreClient';
import type { CoreTransport, MediaResponse } from '../host/coreTransport';

/** A started core process as the supervisor sees it (Electron's utilityProcess in the app; a Node child in tests). */
export interface CoreProcessHandle {
  wire: Wire<CoreToMain, MainToCore>;
  /** Called once, when the process has ended, with why in words (exit code or signal). */
  onExit(cb: (why: string) => void): void;
  kill(): void;
}

export interface SupervisedCoreOptions {
  spawn: () => CoreProcessHandle;
  config: CoreProcessConfig;
  services: MainServices;
  logger: Logger;
  /** Restarts after an unexpected exit (default 1). */
  maxRestarts?: number;
  /** How long quit waits for the core to dispose itself before the process is killed (default 5 s). */
  disposeTimeoutMs?: number;
  /** How long a start may take before it counts as failed (default 60 s: a first migration can be slow). */
  startTimeoutMs?: number;
}

/**
 * Local mode's CoreTransport: one core process, kept alive. An unexpected exit fails the calls in
 * flight at once (a clear DB_UNAVAILABLE, never a hang), tells the windows (`system.coreStatus`
 * stopped), and starts the process again once; calls made while it restarts wait for it. A second
 * exit leaves it stopped (`failed`), and every later call answers the stopped error at once.
 * Every window shares this one core.
 */
export class SupervisedCore implements CoreTransport {
  private up: Promise<CoreProcessClient | null>;
  private handle: CoreProcessHandle | null = null;
  private restarts = 0;
  private disposing = false;
  private stoppedWhy = '';
  private readonly eventListeners = new Set<(name: string, payload: unknown) => void>();
  private readonly statusListeners = new Set<(s: CoreStatus) => void>();
  private exitOf = new WeakMap<CoreProcessHandle, Promise<void>>();

  private constructor(private readonly o: SupervisedCoreOptions) {
    this.up = this.launch();
  }

  /** Starts the core process; rejects with the reason when the first start fails (the app says so and quits). */
  static async start(o: SupervisedCoreOptions): Promise<SupervisedCore> {
    const s = new SupervisedCore(o);
    await s.up;
    return s;
  }

  /** The running process's pid (tests and the smoke suite kill it to prove the restart). */
  async pid(): Promise<number | null> {
    const c = await this.up;
    return c ? c.ready : null;
  }

  async call(name: string, input: unknown, ctx: WireCallContext): Promise<Result<unknown>> {
    const c = await this.up;
    return c ? c.call(name, input, ctx) : stoppedResult(this.stoppedWhy);
  }

  subscribe(listener: (name: string, payload: unknown) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onStatus(listener: (s: CoreStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async media(req: MediaRequest): Promise<MediaResponse> {
    const c = await this.up;
    if (!c) return { status: 503, headers: { 'content-type': 'text/plain' }, body: null };
    return toResponse(await c.media(req), c);
  }

  async dispose(): Promise<void> {
    this.disposing = true;
    const handle = this.handle;
    const c = await Promise.race([this.up.catch(() => null), delay(this.o.disposeTimeoutMs ?? 5000).then(() => null)]);
    let ended = false;
    if (c && handle) {
      const exited = this.exitOf.get(handle)!.then(() => (ended = true));
      const timeout = delay(this.o.disposeTimeoutMs ?? 5000).then(() => this.o.logger.log('warn', 'the core did not finish disposing in time; stopping its process'));
      // Disposed, the core process ends itself; only one that does not within the bound is killed.
      await Promise.race([c.dispose().then(() => exited), exited, timeout]);
    }
    if (!ended) handle?.kill();
    this.up = Promise.resolve(null);
    this.stoppedWhy = 'Circle Take is quitting';
  }

  private async launch(): Promise<CoreProcessClient | null> {
    const handle = this.o.spawn();
    const client = new CoreProcessClient(handle.wire, this.o.services, (name, payload) => {
      for (const l of this.eventListeners) l(name, payload);
    });
    this.handle = handle;
    this.exitOf.set(handle, new Promise<void>((resolve) => handle.onExit((why) => {
      resolve();
      this.exited(handle, client, why);
    })));
    handle.wire.post({ t: 'init', config: this.o.config });
    const timer = setTimeout(() => client.fail(`it did not start within ${Math.round((this.o.startTimeoutMs ?? 60_000) / 1000)} s`), this.o.startTimeoutMs ?? 60_000);
    try {
      await client.ready;
      return client;
    } catch (e) {
      this.stoppedWhy = (e as Error).message;
      handle.kill();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private exited(handle: CoreProcessHandle, client: CoreProcessClient, why: string): void {
    const wasUp = client.isUp; // an exit before `ready` is launch()'s to report
    client.fail(why);
    if (handle !== this.handle || this.disposing || !wasUp) return;
    this.o.logger.log('error', 'the core process stopped', { why });
    if (this.restarts >= (this.o.maxRestarts ?? 1)) {
      this.stoppedWhy = `it stopped again (${why}) and was not restarted`;
      this.up = Promise.resolve(null);
      this.status({ state: 'failed', message: `Circle Take's core stopped again (${why}) and was not restarted. Quit and reopen Circle Take; the log says why.` });
      return;
    }
    this.restarts++;
    this.status({ state: 'stopped', message: `Circle Take's core stopped (${why}). Restarting it; calls made meanwhile wait.` });
    this.up = this.launch().then(
      (c) => {
        this.status({ state: 'restarted', message: "Circle Take's core was restarted; reopen a view if it looks out of date." });
        return c;
      },
      (e: unknown) => {
        this.status({ state: 'failed', message: `Circle Take's core could not be restarted (${(e as Error).message}). Quit and reopen Circle Take.` });
        return null;
      },
    );
  }

  private status(s: CoreStatus): void {
    for (const l of this.statusListeners) l(s);
  }
}

/** A core media answer as a Response's parts: a file re-opened here inside its root, or a stream pulled from the core. */
function toResponse(a: WireMediaAnswer, c: CoreProcessClient): MediaResponse {
  const notFound: MediaResponse = { status: 404, headers: { 'content-type': 'text/plain' }, body: null };
  if (!a.body) return { status: a.status, headers: a.headers, body: null };
  if ('file' in a.body) {
    const { file, root, size, start, end } = a.body;
    const opened = openInside(root, file);
    if (!opened) return notFound;
    if (opened.size !== size) {
      closeSync(opened.fd);
      return notFound;
    }
    return { status: a.status, headers: a.headers, body: Readable.toWeb(createReadStream('', { fd: opened.fd, start, end, autoClose: true })) as ReadableStream<Uint8Array> };
  }
  const { stream } = a.body;
  const body = new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      const r = await c.pull(stream);
      if (r.done) ctrl.close();
      else ctrl.enqueue(r.chunk);
    },
    cancel: () => c.cancel(stream),
  });
  return { status: a.status, headers: a.headers, body };
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());
