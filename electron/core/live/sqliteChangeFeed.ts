import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { EventName } from '../../../shared/contract';
import type { Clock, Logger } from '../ports';
import type { ChangeFeed, FeedEvent } from './changeFeed';
import { ChangeRepo } from './changeRepo';
import { decodeFeedRow, FeedBuffer, FeedListeners } from './feedBuffer';

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
  private readonly listeners = new FeedListeners({ start: () => this.startTail(), stop: () => this.stopTail(), isDisposed: () => this.isDisposed });
  private readonly buffer = new FeedBuffer();
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
    this.buffer.add(name, payload);
    this.flushTimer ??= setTimeout(() => this.flush(), this.o.flushMs ?? 20).unref();
  }

  subscribe(listener: (e: FeedEvent) => void): () => void {
    return this.listeners.add(listener);
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
    if (this.buffer.size === 0 || !this.o.conn.open) return;
    const rows = this.buffer.take(this.origin, this.o.clock.now());
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
    const e = decodeFeedRow(name, text, this.o.logger, this.unknownNames);
    if (e) this.listeners.deliver(e, this.o.logger);
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
