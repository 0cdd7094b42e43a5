import { events as eventSchemas, type EventName, type EventPayload } from '../../shared/contract';
import type { ChangeFeed } from './live/changeFeed';
import type { Logger } from './ports';

type Listener = (name: EventName, payload: unknown) => void;

/**
 * Typed event bus for contract events. Core services emit; doors (IPC, WebSocket) forward.
 * Payloads are validated on the way out in dev and test.
 *
 * Two kinds of listener: `subscribe` hears this process's events (services reacting to their own
 * work: one notification per crossing, not one per process), `subscribeLive` also hears every other
 * process on the data dir through the change feed (doors, so every session sees every change).
 */
export class CoreEvents {
  private readonly listeners = new Set<Listener>();
  private readonly liveListeners = new Set<Listener>();
  private offFeed: (() => void) | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly isStrict: boolean,
    private readonly feed: ChangeFeed | null = null,
  ) {}

  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    if (this.isStrict) {
      const parsed = eventSchemas[name].safeParse(payload);
      if (!parsed.success) {
        this.logger.log('error', 'event payload does not match its schema', { event: name, issues: parsed.error.issues.length });
        return;
      }
    }
    this.deliver(this.listeners, name, payload);
    this.deliver(this.liveListeners, name, payload);
    this.feed?.publish(name, payload);
  }

  /** This process's events only. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every session's events: this process's, and those the change feed brings from the others. */
  subscribeLive(listener: Listener): () => void {
    this.liveListeners.add(listener);
    this.offFeed ??= this.feed?.subscribe((e) => this.deliver(this.liveListeners, e.name, e.payload)) ?? null;
    return () => {
      this.liveListeners.delete(listener);
      if (this.liveListeners.size === 0) {
        this.offFeed?.();
        this.offFeed = null;
      }
    };
  }

  dispose(): void {
    this.offFeed?.();
    this.offFeed = null;
    this.feed?.dispose();
    this.listeners.clear();
    this.liveListeners.clear();
  }

  private deliver(set: ReadonlySet<Listener>, name: EventName, payload: unknown): void {
    for (const l of set) {
      try {
        l(name, payload);
      } catch (e) {
        this.logger.log('error', 'event listener threw', { event: name, error: String(e) });
      }
    }
  }
}
