import type Database from 'better-sqlite3';

export interface ChangeRow {
  seq: number;
  origin: string;
  event: string;
  payload: string;
}

/** SQL of the live_changes table (migration 0700): append, read after a cursor, prune. */
export class ChangeRepo {
  private readonly s;

  constructor(private readonly conn: Database.Database) {
    this.s = {
      append: conn.prepare<{ origin: string; event: string; payload: string; at: number }>(
        'INSERT INTO live_changes (origin, event, payload, at) VALUES (@origin, @event, @payload, @at)',
      ),
      after: conn.prepare<{ seq: number; limit: number }, ChangeRow>(
        'SELECT seq, origin, event, payload FROM live_changes WHERE seq > @seq ORDER BY seq LIMIT @limit',
      ),
      last: conn.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM live_changes'),
      prune: conn.prepare<{ keep: number }>('DELETE FROM live_changes WHERE seq <= (SELECT MAX(seq) FROM live_changes) - @keep'),
    };
  }

  /** Appends rows in one transaction (one commit, one fsync for a batch). */
  appendAll(rows: readonly { origin: string; event: string; payload: string; at: number }[]): void {
    this.conn.transaction(() => {
      for (const r of rows) this.s.append.run(r);
    })();
  }

  after(seq: number, limit: number): ChangeRow[] {
    return this.s.after.all({ seq, limit });
  }

  lastSeq(): number {
    return this.s.last.get()?.seq ?? 0;
  }

  /** Keeps the newest `keep` rows. */
  prune(keep: number): void {
    this.s.prune.run({ keep });
  }

  /** SQLite's counter of commits made by other connections to this file. */
  dataVersion(): number {
    return this.conn.pragma('data_version', { simple: true }) as number;
  }
}
