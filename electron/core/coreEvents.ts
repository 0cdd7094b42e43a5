import { events as eventSchemas, type EventName, type EventPayload } from '../../shared/contract';
import type { Logger } from './ports';

type Listener = (name: EventName, payload: unknown) => void;

/**
 * Typed event bus for contract events. Core services emit; doors (IPC, WebSocket) subscribe
 * to everything and forward. Payloads are validated on the way out in dev and test.
 */
export class CoreEvents {
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly logger: Logger,
    private readonly isStrict: boolean,
  ) {}

  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    if (this.isStrict) {
      const parsed = eventSchemas[name].safeParse(payload);
      if (!parsed.success) {
        this.logger.log('error', 'event payload does not match its schema', { event: name, issues: parsed.error.issues.length });
        return;
      }
    }
    for (const l of this.listeners) {
      try {
        l(name, payload);
      } catch (e) {
        this.logger.log('error', 'event listener threw', { event: name, error: String(e) });
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
