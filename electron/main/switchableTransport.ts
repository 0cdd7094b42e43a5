import type { CoreStatus } from '../../shared/contract/system';
import type { Result } from '../../shared/errors';
import type { MediaRequest, WireCallContext } from '../utility/protocol';
import type { CoreTransport, MediaResponse } from '../host/coreTransport';

/**
 * The one transport main's IPC and media protocols hold, whose target can change while the app runs:
 * "Connect to a studio" swaps the local core process for a studio, "Work locally" swaps back. Listeners
 * stay subscribed across a swap; the windows hear `restarted` and reload what they show from the new side.
 */
export class SwitchableTransport implements CoreTransport {
  private readonly listeners = new Set<(name: string, payload: unknown) => void>();
  private readonly statusListeners = new Set<(status: CoreStatus) => void>();
  private detach: () => void = () => undefined;

  constructor(private current: CoreTransport) {
    this.attach(current);
  }

  /** Swaps to `next`, disposes the old target, then tells the windows (`message` says where they are now). */
  async switchTo(next: CoreTransport, message: string): Promise<void> {
    const old = this.current;
    this.detach();
    this.current = next;
    this.attach(next);
    await old.dispose();
    for (const l of this.statusListeners) l({ state: 'restarted', message });
  }

  call(name: string, input: unknown, ctx: WireCallContext): Promise<Result<unknown>> {
    return this.current.call(name, input, ctx);
  }

  media(req: MediaRequest): Promise<MediaResponse> {
    return this.current.media(req);
  }

  subscribe(listener: (name: string, payload: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (status: CoreStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  dispose(): Promise<void> {
    this.detach();
    return this.current.dispose();
  }

  private attach(t: CoreTransport): void {
    const offEvents = t.subscribe((name, payload) => {
      for (const l of this.listeners) l(name, payload);
    });
    const offStatus = t.onStatus((s) => {
      for (const l of this.statusListeners) l(s);
    });
    this.detach = () => {
      offEvents();
      offStatus();
    };
  }
}
