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
  private readonly appendInTx: (rows: readonly { origin: string; event: string; payload: string; at: number }[]) => void;

  constructor(private readonly conn: Database.Database) {
    this.s = {
      append: conn.prepare<[string, string, string, number]>('INSERT INTO live_changes (origin, event, payload, at) VALUES (?, ?, ?, ?)'),
      after: conn.prepare<{ seq: number; limit: number }, ChangeRow>(
        'SELECT seq, origin, event, payload FROM live_changes WHERE seq > @seq ORDER BY seq LIMIT @limit',
      ),
      last: conn.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM live_changes'),
      prune: conn.prepare<{ keep: number }>('DELETE FROM live_changes WHERE seq <= (SELECT MAX(seq) FROM live_changes) - @keep'),
    };
    this.appendInTx = conn.transaction((rows) => this.appendNow(rows));
  }

  /**
   * Appends rows in one transaction (one commit, one fsync for a batch). Inside a transaction already open
   * (the group commit's rider savepoint), its rows are written there, all or none with it.
   */
  appendAll(rows: readonly { origin: string; event: string; payload: string; at: number }[]): void {
    if (this.conn.inTransaction) this.appendNow(rows);
    else this.appendInTx(rows);
  }

  private appendNow(rows: readonly { origin: string; event: string; payload: string; at: number }[]): void {
    for (const r of rows) this.s.append.run(r.origin, r.event, r.payload, r.at);
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
