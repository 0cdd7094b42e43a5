import { events as eventSchemas, isEventName, type EventName } from '../../../shared/contract';
import type { Logger } from '../ports';
import type { FeedEvent } from './changeFeed';

/**
 * Events that only say "how far", or carry a whole snapshot: a newer one replaces an older unsent one with
 * the same key (the other sessions get the latest state; this process's own listeners still hear each one).
 * A job's snapshot changes several times within one flush when its steps are quick (claimed, submitted,
 * settled), and each copy would be written to the table.
 */
const COALESCE: Partial<Record<EventName, (p: Record<string, unknown>) => string>> = {
  'jobs.changed': (p) => String((p.job as { id?: unknown } | undefined)?.id),
  'jobs.progressed': (p) => String(p.jobId),
  'export.progressed': (p) => String(p.projectId),
  'benchmark.progressed': (p) => String(p.id),
  'queue.changed': () => '',
};

/** What a process published and has not written yet, coalesced (one buffer per feed, whatever its engine). */
export class FeedBuffer {
  private items: { name: EventName; payload: unknown }[] = [];
  /** Where each coalesced event's unsent copy sits. */
  private readonly keyed = new Map<string, number>();

  add(name: EventName, payload: unknown): void {
    const keyOf = COALESCE[name];
    const slot = keyOf ? `${name}\u0000${keyOf(payload as Record<string, unknown>)}` : undefined;
    const same = slot === undefined ? undefined : this.keyed.get(slot);
    if (same !== undefined) this.items[same] = { name, payload };
    else {
      if (slot !== undefined) this.keyed.set(slot, this.items.length);
      this.items.push({ name, payload });
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** Empties the buffer into rows for the change table. */
  take(origin: string, at: number): { origin: string; event: string; payload: string; at: number }[] {
    const rows = this.items.map((b) => ({ origin, event: b.name, payload: JSON.stringify(b.payload), at }));
    this.items = [];
    this.keyed.clear();
    return rows;
  }
}

/**
 * A row another process wrote, as an event this version knows and its contract schema accepts; null
 * otherwise (a newer Circle Take's event is ignored once with a log line, a malformed one dropped).
 */
export function decodeFeedRow(name: string, text: string, logger: Logger, unknownNames: Set<string>): FeedEvent | null {
  if (!isEventName(name)) {
    if (!unknownNames.has(name)) logger.log('info', 'ignoring a live event this version does not know', { event: name });
    unknownNames.add(name);
    return null;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = eventSchemas[name].safeParse(payload);
  if (!parsed.success) {
    logger.log('warn', 'a live event does not match its schema; dropped', { event: name, issues: parsed.error.issues.length });
    return null;
  }
  return { name, payload: parsed.data };
}

/** Hands one event to every listener; a listener that throws costs only itself. */
export function deliverTo(listeners: Iterable<(e: FeedEvent) => void>, e: FeedEvent, logger: Logger): void {
  for (const l of listeners) {
    try {
      l(e);
    } catch (err) {
      logger.log('error', 'live listener threw', { event: e.name, error: String(err) });
    }
  }
}

/**
 * A feed's listeners: the tail starts with the first subscriber and stops with the last (a one-shot CLI
 * command only publishes, and reads nothing).
 */
export class FeedListeners {
  private readonly set = new Set<(e: FeedEvent) => void>();

  constructor(private readonly tail: { start(): void; stop(): void; isDisposed(): boolean }) {}

  add(listener: (e: FeedEvent) => void): () => void {
    if (this.set.size === 0 && !this.tail.isDisposed()) this.tail.start();
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
      if (this.set.size === 0) this.tail.stop();
    };
  }

  get size(): number {
    return this.set.size;
  }

  clear(): void {
    this.set.clear();
  }

  deliver(e: FeedEvent, logger: Logger): void {
    deliverTo(this.set, e, logger);
  }
}
