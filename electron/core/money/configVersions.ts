import { createHash } from 'node:crypto';
import type { Db } from '../db/db';

/** Which file a stored version belongs to: its kind, where it lives and its name inside that folder. */
export interface ConfigKey {
  kind: 'plan' | 'rateCard';
  source: 'builtin' | 'user';
  fileName: string;
}

export interface StoredVersion {
  name: string;
  hash: string;
  body: string;
  savedAt: string;
}

/** What PlanRegistry needs to keep a config in force across a broken file and a restart. */
export interface ConfigVersionStore {
  /** Records a file that read well (a no-op when its hash is already the stored one); clears its break. */
  saveGood(key: ConfigKey, name: string, body: string, at: string): void;
  lastGood(key: ConfigKey): StoredVersion | null;
  /** Since when the file has been broken: the first time it was seen broken (kept until it reads well). */
  markBroken(key: ConfigKey, at: string): string;
  /** Runs a whole reload's writes in one transaction (one commit on a first start, none after). */
  inOneCommit<T>(fn: () => T): T;
}

export function configHash(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

type KeyRow = { kind: string; source: string; file_name: string };

/** The config_versions and config_breaks tables (migration 0720). */
export class ConfigVersions implements ConfigVersionStore {
  private readonly stmts;

  constructor(private readonly db: Db) {
    const c = db.conn;
    this.stmts = {
      save: c.prepare<KeyRow & { name: string; hash: string; body: string; saved_at: string }>(
        `INSERT INTO config_versions (kind, source, file_name, name, hash, body, saved_at)
         VALUES (@kind, @source, @file_name, @name, @hash, @body, @saved_at)
         ON CONFLICT (kind, source, file_name) DO UPDATE SET name = excluded.name, hash = excluded.hash, body = excluded.body, saved_at = excluded.saved_at
         WHERE config_versions.hash <> excluded.hash OR config_versions.name <> excluded.name`,
      ),
      get: c.prepare<KeyRow, { name: string; hash: string; body: string; saved_at: string }>(
        'SELECT name, hash, body, saved_at FROM config_versions WHERE kind = @kind AND source = @source AND file_name = @file_name',
      ),
      mend: c.prepare<KeyRow>('DELETE FROM config_breaks WHERE kind = @kind AND source = @source AND file_name = @file_name'),
      break: c.prepare<KeyRow & { since: string }>('INSERT OR IGNORE INTO config_breaks (kind, source, file_name, since) VALUES (@kind, @source, @file_name, @since)'),
      since: c.prepare<KeyRow, { since: string }>('SELECT since FROM config_breaks WHERE kind = @kind AND source = @source AND file_name = @file_name'),
    };
  }

  saveGood(key: ConfigKey, name: string, body: string, at: string): void {
    const k = row(key);
    const hash = configHash(body);
    // Most starts change nothing: read first, so an unchanged file costs no commit.
    const have = this.stmts.get.get(k);
    if (have?.hash === hash && have.name === name && !this.stmts.since.get(k)) return;
    this.db.immediate(() => {
      this.stmts.save.run({ ...k, name, hash, body, saved_at: at });
      this.stmts.mend.run(k);
    });
  }

  inOneCommit<T>(fn: () => T): T {
    return this.db.immediate(fn);
  }

  lastGood(key: ConfigKey): StoredVersion | null {
    const r = this.stmts.get.get(row(key));
    return r ? { name: r.name, hash: r.hash, body: r.body, savedAt: r.saved_at } : null;
  }

  markBroken(key: ConfigKey, at: string): string {
    const k = row(key);
    this.stmts.break.run({ ...k, since: at });
    return this.stmts.since.get(k)?.since ?? at;
  }
}

function row(key: ConfigKey): KeyRow {
  return { kind: key.kind, source: key.source, file_name: key.fileName };
}
