import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { events as eventSchemas, isEventName, type EventName } from '../../../shared/contract';
import type { Clock, Logger } from '../ports';
import type { ChangeFeed, FeedEvent } from './changeFeed';
import { ChangeRepo } from './changeRepo';

export interface SqliteChangeFeedOptions {
  conn: Database.Database;
  clock: Clock;
  logger: Logger;
  /** How often the tail asks SQLite whether another connection committed (ms). */
  pollMs?: number;
  /** How long published events wait to be written together (ms). */
  flushMs?: number;
  /** Rows kept in the table; older ones are pruned. */
  keepRows?: number;
  /** Writes the buffer inside the database's group commits too (Db.rideAlong), so most batches cost no commit of their own. */
  rideAlong?: (write: () => void) => () => void;
}

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

const BATCH = 500;
const PRUNE_EVERY = 100;

/**
 * The change feed over one SQLite file: each process appends what it emits to `live_changes`
 * (batched, one commit per flush), and tails the rows other processes appended. The tail is woken by
 * `PRAGMA data_version`, which changes only when another connection commits, so an idle poll reads
 * no rows. Nothing is tailed until someone subscribes (a one-shot CLI command only publishes).
 */
export class SqliteChangeFeed implements ChangeFeed {
  private readonly origin = randomBytes(8).toString('hex');
  private readonly repo: ChangeRepo;
  private readonly listeners = new Set<(e: FeedEvent) => void>();
  private buffer: { name: EventName; payload: unknown; key: string | null }[] = [];
  /** Where each coalesced event's unsent copy sits in the buffer. */
  private readonly keyed = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private cursor = 0;
  private seenVersion = -1;
  private flushes = 0;
  private readonly unknownNames = new Set<string>();
  private isDisposed = false;
  private readonly offRide: (() => void) | null;

  constructor(private readonly o: SqliteChangeFeedOptions) {
    this.repo = new ChangeRepo(o.conn);
    // Every group commit carries the buffer: waiting for a later one to coalesce more was measured to leave
    // the timer writing batches in commits of their own (an fsync each) under load.
    this.offRide = o.rideAlong?.(() => this.flush()) ?? null;
  }

  publish(name: EventName, payload: unknown): void {
    if (this.isDisposed) return;
    const keyOf = COALESCE[name];
    const key = keyOf ? keyOf(payload as Record<string, unknown>) : null;
    const slot = key === null ? undefined : `${name}\u0000${key}`;
    const same = slot === undefined ? undefined : this.keyed.get(slot);
    if (same !== undefined) this.buffer[same] = { name, payload, key };
    else {
      if (slot !== undefined) this.keyed.set(slot, this.buffer.length);
      this.buffer.push({ name, payload, key });
    }
    this.flushTimer ??= setTimeout(() => this.flush(), this.o.flushMs ?? 20).unref();
  }

  subscribe(listener: (e: FeedEvent) => void): () => void {
    if (this.listeners.size === 0 && !this.isDisposed) this.startTail();
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopTail();
    };
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.flush();
    this.offRide?.();
    this.isDisposed = true;
    this.stopTail();
    this.listeners.clear();
  }

  /** Writes the buffered events in one transaction. A failure loses only notifications, never data. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.buffer.length === 0 || !this.o.conn.open) return;
    const at = this.o.clock.now();
    const rows = this.buffer.map((b) => ({ origin: this.origin, event: b.name, payload: JSON.stringify(b.payload), at }));
    this.buffer = [];
    this.keyed.clear();
    try {
      this.repo.appendAll(rows);
      if (++this.flushes % PRUNE_EVERY === 0) this.repo.prune(this.o.keepRows ?? 10_000);
    } catch (e) {
      this.o.logger.log('warn', 'live changes could not be written; other sessions see them on their next refresh', { events: rows.length, error: (e as Error).message });
    }
  }

  /** Reads what other processes appended since the last look and hands it to the listeners. */
  poll(): void {
    if (!this.o.conn.open) return this.stopTail();
    try {
      const version = this.repo.dataVersion();
      if (version === this.seenVersion) return;
      this.seenVersion = version;
      for (;;) {
        const rows = this.repo.after(this.cursor, BATCH);
        for (const r of rows) {
          this.cursor = r.seq;
          if (r.origin !== this.origin) this.deliver(r.event, r.payload);
        }
        if (rows.length < BATCH) break;
      }
    } catch (e) {
      this.o.logger.log('warn', 'live changes could not be read; retrying', { error: (e as Error).message });
    }
  }

  private deliver(name: string, text: string): void {
    if (!isEventName(name)) {
      // A newer Circle Take on the same data dir: its new events mean nothing here.
      if (!this.unknownNames.has(name)) this.o.logger.log('info', 'ignoring a live event this version does not know', { event: name });
      this.unknownNames.add(name);
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = eventSchemas[name].safeParse(payload);
    if (!parsed.success) {
      this.o.logger.log('warn', 'a live event does not match its schema; dropped', { event: name, issues: parsed.error.issues.length });
      return;
    }
    for (const l of this.listeners) {
      try {
        l({ name, payload: parsed.data });
      } catch (e) {
        this.o.logger.log('error', 'live listener threw', { event: name, error: String(e) });
      }
    }
  }

  private startTail(): void {
    this.cursor = this.repo.lastSeq();
    this.seenVersion = this.repo.dataVersion();
    this.pollTimer = setInterval(() => this.poll(), this.o.pollMs ?? 50).unref();
  }

  private stopTail(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }
}
