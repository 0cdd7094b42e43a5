import type { EventName } from '../../../shared/contract';

/** One contract event, as it travels between processes. */
export interface FeedEvent {
  name: EventName;
  payload: unknown;
}

/**
 * The live feed between every process on one data dir (the Electron app, the browser host, a review
 * server, the CLI): what one emits, the others hear, so each door can forward it to its sessions.
 *
 * One interface, whatever carries it. Today SQLite (sqliteChangeFeed.ts: a change table the
 * processes append to and tail, woken by `PRAGMA data_version`). A shared PostgreSQL database would
 * implement the same three methods with LISTEN/NOTIFY (NOTIFY carrying the row's seq, since its
 * payload is capped at 8 kB). Nothing above this interface knows which one runs.
 */
export interface ChangeFeed {
  /** Tells the other processes about an event this process emitted. Never throws; may batch. */
  publish(name: EventName, payload: unknown): void;
  /** Events other processes published, validated against the contract, in the order they were published. */
  subscribe(listener: (event: FeedEvent) => void): () => void;
  /** Sends what is still buffered and stops listening. */
  dispose(): void;
}
