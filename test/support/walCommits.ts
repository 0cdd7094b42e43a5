import { existsSync, readFileSync } from 'node:fs';

/**
 * Commits a database made, read from its WAL file: every commit appends frames, and the last frame of a
 * commit records the database size in pages (other frames record 0). Count them between a TRUNCATE
 * checkpoint and the end of a run with `wal_autocheckpoint = 0` (so no frame is overwritten): the count
 * covers every writer on the file — transactions, single statements, the change feed — with no hook in
 * the code being measured. A commit that changed no page writes no frame and is not counted (it costs
 * no fsync either).
 */
export function walCommits(dbFile: string): number {
  const wal = `${dbFile}-wal`;
  if (!existsSync(wal)) return 0;
  const buf = readFileSync(wal);
  if (buf.length < 32) return 0;
  const pageSize = buf.readUInt32BE(8);
  const salt1 = buf.readUInt32BE(16);
  const salt2 = buf.readUInt32BE(20);
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= buf.length; at += 24 + pageSize) {
    // Frames left from before the last WAL reset carry the old salts: the log ends there.
    if (buf.readUInt32BE(at + 8) !== salt1 || buf.readUInt32BE(at + 12) !== salt2) break;
    if (buf.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}

/** Starts counting on a connection: empties the WAL and stops automatic checkpoints until `done()`. */
export function countCommits(conn: { pragma(s: string): unknown }, dbFile: string): { done(): number } {
  conn.pragma('wal_checkpoint(TRUNCATE)');
  conn.pragma('wal_autocheckpoint = 0');
  return {
    done() {
      const n = walCommits(dbFile);
      conn.pragma('wal_autocheckpoint = 1000');
      return n;
    },
  };
}
