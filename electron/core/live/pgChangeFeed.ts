import { randomBytes } from 'node:crypto';
import type { EventName } from '../../../shared/contract';
import type { PgEngine } from '../db/engine/pgEngine';
import type { Clock, Logger } from '../ports';
import type { ChangeFeed, FeedEvent } from './changeFeed';
import { decodeFeedRow, FeedBuffer, FeedListeners } from './feedBuffer';

export interface PgChangeFeedOptions {
  engine: PgEngine;
  clock: Clock;
  logger: Logger;
  /** How long published events wait to be written together (ms). */
  flushMs?: number;
  /** A slow look for rows even without a notification (a lost session, a missed NOTIFY), ms. */
  fallbackPollMs?: number;
  /** How long a hole in the sequence is waited for before it is taken as a rolled-back row (ms). */
  gapWaitMs?: number;
  /** Rows kept in the table; older ones are pruned. */
  keepRows?: number;
}

const CHANNEL = 'circletake_live';
const BATCH = 500;
const PRUNE_EVERY = 100;

/**
 * The change feed over a studio's PostgreSQL: what one process (an app, a browser host, a worker, the
 * CLI) emits, every other process on the database hears. Each process appends its events to
 * `live_changes` (batched, one transaction per flush) and sends `NOTIFY circletake_live` in the same
 * transaction, so the notification goes out with the commit; listeners then read the rows after their
 * cursor. NOTIFY carries nothing (its payload is capped at 8 kB; the rows are the truth).
 *
 * Unlike SQLite's single writer, two flushes can commit out of sequence order, so a row with a lower seq
 * may appear after a higher one was read: rows above the cursor are remembered, and the cursor only moves
 * over a hole once the hole is older than `gapWaitMs` (an identity value of a rolled-back insert is never
 * filled).
 */
export class PgChangeFeed implements ChangeFeed {
  private readonly origin = randomBytes(8).toString('hex');
  private readonly listeners = new FeedListeners({ start: () => this.startTail(), stop: () => this.stopTail(), isDisposed: () => this.isDisposed });
  private readonly buffer = new FeedBuffer();
  private readonly unknownNames = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private flushes = 0;
  private stopListen: Promise<() => Promise<void>> | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  /** Every row with seq <= cursor was handled (or given up on); rows above it handled already. */
  private cursor = -1;
  private readonly seen = new Set<number>();
  /** When a hole right above the cursor was first noticed. */
  private gapSince: number | null = null;
  private reading: Promise<void> | null = null;
  private isReadAgain = false;
  private isDisposed = false;

  constructor(private readonly o: PgChangeFeedOptions) {}

  publish(name: EventName, payload: unknown): void {
    if (this.isDisposed) return;
    this.buffer.add(name, payload);
    this.flushTimer ??= setTimeout(() => void this.flush(), this.o.flushMs ?? 20).unref();
  }

  subscribe(listener: (e: FeedEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  dispose(): void {
    if (this.isDisposed) return;
    void this.flush();
    this.isDisposed = true;
    this.stopTail();
    this.listeners.clear();
  }

  /** Sends what is buffered and waits for it (and for a read under way): for shutdown and tests. */
  async settled(): Promise<void> {
    await this.flush();
    await this.reading;
  }

  /** Writes the buffered events and notifies, in one transaction. A failure loses only notifications, never data. */
  flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.buffer.size === 0) return this.flushing;
    const rows = this.buffer.take(this.origin, this.o.clock.now());
    const prune = ++this.flushes % PRUNE_EVERY === 0;
    this.flushing = this.flushing.then(() =>
      this.o.engine
        .tx(
          async (q) => {
            for (const r of rows) await q.run('INSERT INTO live_changes (origin, event, payload, at) VALUES (?, ?, ?, ?)', [r.origin, r.event, r.payload, r.at]);
            if (prune) await q.run('DELETE FROM live_changes WHERE seq <= (SELECT max(seq) FROM live_changes) - ?', [this.o.keepRows ?? 10_000]);
            await q.exec(`NOTIFY ${CHANNEL}`);
          },
          { isolation: 'lockRows' },
        )
        .catch((e: unknown) => {
          this.o.logger.log('warn', 'live changes could not be written; other sessions see them on their next refresh', { events: rows.length, error: (e as Error).message });
        }),
    );
    return this.flushing;
  }

  /** Reads what other processes appended since the last look and hands it to the listeners (one read at a time). */
  read(): Promise<void> {
    if (this.reading) {
      this.isReadAgain = true;
      return this.reading;
    }
    this.reading = this.readOnce()
      .catch((e: unknown) => this.o.logger.log('warn', 'live changes could not be read; retrying', { error: (e as Error).message }))
      .finally(() => {
        this.reading = null;
        if (this.isReadAgain && !this.isDisposed && this.listeners.size > 0) {
          this.isReadAgain = false;
          void this.read();
        }
      });
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    if (this.cursor < 0) this.cursor = Number((await this.o.engine.get<{ s: number | null }>('SELECT max(seq) AS s FROM live_changes'))?.s ?? 0);
    for (;;) {
      const rows = await this.o.engine.all<{ seq: number; origin: string; event: string; payload: string }>(
        'SELECT seq, origin, event, payload FROM live_changes WHERE seq > ? ORDER BY seq LIMIT ?',
        [this.cursor, BATCH + this.seen.size],
      );
      let isNew = false;
      for (const r of rows) {
        const seq = Number(r.seq);
        if (this.seen.has(seq)) continue;
        this.seen.add(seq);
        isNew = true;
        if (r.origin === this.origin || this.isDisposed) continue;
        const e = decodeFeedRow(r.event, r.payload, this.o.logger, this.unknownNames);
        if (e) this.listeners.deliver(e, this.o.logger);
      }
      this.advance();
      if (!isNew || rows.length < BATCH) return;
    }
  }

  /** Moves the cursor over every row handled; over a hole only once it has waited long enough. */
  private advance(): void {
    for (;;) {
      while (this.seen.delete(this.cursor + 1)) this.cursor++;
      if (this.seen.size === 0) {
        this.gapSince = null;
        return;
      }
      const now = Date.now();
      this.gapSince ??= now;
      if (now - this.gapSince < (this.o.gapWaitMs ?? 2000)) return;
      // The hole never filled: a rolled-back insert. Skip to the next row seen.
      this.cursor = Math.min(...this.seen) - 1;
      this.gapSince = null;
    }
  }

  private startTail(): void {
    this.stopListen = this.o.engine.listen(CHANNEL, () => void this.read());
    this.pollTimer = setInterval(() => void this.read(), this.o.fallbackPollMs ?? 1000).unref();
  }

  private stopTail(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    const stop = this.stopListen;
    this.stopListen = null;
    void stop?.then((s) => s());
  }
}
