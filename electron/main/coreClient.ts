import type { Result } from '../../shared/errors';
import { stoppedResult, type CoreToMain, type MainToCore, type MediaRequest, type PullAnswer, type Wire, type WireCallContext, type WireMediaAnswer } from '../utility/protocol';

/** What the core process asks of main: the things only Electron main has. */
export interface MainServices {
  runwayKey(): Promise<string | null>;
  pickFolder(title: string): Promise<string | null>;
  notify(title: string, body: string): void;
  /** Taskbar progress: -1 clears it, 0..1 the share of the batch finished. */
  progress(value: number): void;
}

/**
 * Main's end of one core process's life: requests out with ids, answers matched back, events fanned
 * out, the core's own requests served. Free of Electron (tests drive it over a worker_threads
 * MessageChannel). When the process goes away, `fail` answers every call in flight with a clear
 * error at once; nothing waits forever.
 */
export class CoreProcessClient {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; fallback: unknown }>();
  private nextId = 1;
  private failedWith: string | null = null;
  private wasReady = false;
  private readonly off: () => void;
  /** The core's pid once it is up; rejects with the reason it could not start. */
  readonly ready: Promise<number>;
  private settleReady!: { resolve: (pid: number) => void; reject: (e: Error) => void };

  constructor(
    private readonly wire: Wire<CoreToMain, MainToCore>,
    private readonly services: MainServices,
    private readonly onEvent: (name: string, payload: unknown) => void,
  ) {
    this.ready = new Promise<number>((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.ready.catch(() => undefined);
    this.off = wire.listen((msg) => this.receive(msg));
  }

  call(name: string, input: unknown, ctx: WireCallContext): Promise<Result<unknown>> {
    return this.request((id) => ({ t: 'call', id, name, input, ctx }), stoppedResult(this.failedWith ?? '')) as Promise<Result<unknown>>;
  }

  media(req: MediaRequest): Promise<WireMediaAnswer> {
    const gone: WireMediaAnswer = { status: 503, headers: { 'content-type': 'text/plain' }, body: null };
    return this.request((id) => ({ t: 'media', id, req }), gone) as Promise<WireMediaAnswer>;
  }

  pull(stream: string): Promise<PullAnswer> {
    return this.request((id) => ({ t: 'pull', id, stream }), { done: true }) as Promise<PullAnswer>;
  }

  cancel(stream: string): void {
    if (!this.failedWith) this.wire.post({ t: 'cancel', stream });
  }

  /** Asks the core to dispose itself; resolves when it has (or at once if the process is gone). */
  dispose(): Promise<void> {
    return this.request((id) => ({ t: 'dispose', id }), null).then(() => undefined);
  }

  /** The process is gone: every call in flight gets the stopped error now, later ones at once. */
  fail(why: string): void {
    if (this.failedWith) return;
    this.failedWith = why;
    this.off();
    this.settleReady.reject(new Error(why));
    for (const [, p] of this.pending) p.resolve(p.fallback === null ? null : withReason(p.fallback, why));
    this.pending.clear();
  }

  /** It said `ready` and has not failed since: an exit now is a crash of a running core. */
  get isUp(): boolean {
    return this.wasReady && this.failedWith === null;
  }

  private request(msg: (id: number) => MainToCore, fallback: unknown): Promise<unknown> {
    if (this.failedWith) return Promise.resolve(fallback === null ? null : withReason(fallback, this.failedWith));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, fallback });
      this.wire.post(msg(id));
    });
  }

  private receive(msg: CoreToMain): void {
    switch (msg.t) {
      case 'ready':
        this.wasReady = true;
        return this.settleReady.resolve(msg.pid);
      case 'failed':
        return this.fail(`it could not start: ${msg.message}`);
      case 'result': {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        return p?.resolve(msg.value);
      }
      case 'event':
        return this.onEvent(msg.name, msg.payload);
      case 'notify':
        return this.services.notify(msg.title, msg.body);
      case 'progress':
        return this.services.progress(msg.value);
      case 'request': {
        const work = msg.op === 'runwayKey' ? this.services.runwayKey() : this.services.pickFolder(msg.title);
        void work.then(
          (value) => this.post({ t: 'reply', id: msg.id, ok: true, value }),
          (e: unknown) => this.post({ t: 'reply', id: msg.id, ok: false, error: (e as Error)?.message ?? String(e) }),
        );
        return;
      }
    }
  }

  private post(msg: MainToCore): void {
    if (!this.failedWith) this.wire.post(msg);
  }
}

/** A stopped-call Result names why the process went away. */
function withReason(fallback: unknown, why: string): unknown {
  const f = fallback as Result<unknown>;
  return f && typeof f === 'object' && 'ok' in f && !f.ok ? stoppedResult(why) : fallback;
}
