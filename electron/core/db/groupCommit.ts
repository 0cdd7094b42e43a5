import type Database from 'better-sqlite3';

interface Pending {
  fn: () => unknown;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

/**
 * Group commit: work queued in the same turn of the event loop shares one BEGIN IMMEDIATE … COMMIT, so
 * one fsync (synchronous=FULL) makes all of it durable. Each piece runs in its own savepoint: a piece
 * that throws rolls back alone and its promise rejects; the others commit. Every promise settles only
 * after the COMMIT returned, so a caller that awaits one knows its writes are on disk — an answer given
 * after the await is as durable as one given after its own transaction.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private readonly riders = new Set<() => void>();

  /** `tx`: a transaction function that runs the function it is given (Db's; one built here otherwise). */
  constructor(
    private readonly conn: Database.Database,
    private readonly tx: Database.Transaction<(fn: () => unknown) => unknown> = conn.transaction((fn: () => unknown) => fn()),
  ) {}

  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /**
   * Work that rides along in every group commit, after the queued pieces (the change feed writes its
   * buffered events there instead of paying a commit of its own). A rider that throws is skipped.
   */
  addRider(fn: () => void): () => void {
    this.riders.add(fn);
    return () => this.riders.delete(fn);
  }

  /** Commits everything queued now (also called before the connection closes). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    if (!this.conn.open) {
      for (const p of batch) p.reject(new Error('the database is closed'));
      return;
    }
    const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.tx.immediate(() => {
        for (const p of batch) {
          try {
            // Nested: a savepoint, rolled back alone when the piece throws.
            results.push({ ok: true, value: this.tx(p.fn) });
          } catch (error) {
            results.push({ ok: false, error });
          }
        }
        for (const ride of this.riders) {
          try {
            this.tx(ride);
          } catch {
            // A rider's own failure costs only its own writes (it logs them); the batch still commits.
          }
        }
      });
    } catch (error) {
      // BEGIN or COMMIT failed: nothing in the batch is on disk.
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i]!;
      if (r.ok) p.resolve(r.value);
      else p.reject(r.error);
    });
  }
}
