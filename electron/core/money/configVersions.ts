import { createHash } from 'node:crypto';
import type { SqlEngine } from '../db/engine/sqlEngine';

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

/** Everything stored, read at once: the last good version of every file, and since when the broken ones are broken. */
export interface StoredConfigs {
  versions: ReadonlyMap<string, StoredVersion>;
  breaks: ReadonlyMap<string, string>;
}

/** A reload's writes: files that read well (their break cleared), and files newly seen broken. */
export interface ConfigChanges {
  saves: { key: ConfigKey; name: string; body: string; at: string }[];
  breaks: { key: ConfigKey; at: string }[];
}

/** What PlanRegistry needs to keep a config in force across a broken file and a restart. */
export interface ConfigVersionStore {
  read(): Promise<StoredConfigs>;
  /**
   * Writes a reload's changes in one transaction, none when there is nothing to write (most starts).
   * Returns since when each newly broken file is broken (the first time any process saw it broken).
   */
  write(changes: ConfigChanges): Promise<Map<string, string>>;
}

export function configHash(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/** One string per file, for maps. */
export function configKeyId(key: ConfigKey): string {
  return `${key.kind}\u0000${key.source}\u0000${key.fileName}`;
}

/** Only what differs from what is stored: an unchanged good file, or one already marked broken, writes nothing. */
export function changesFrom(stored: StoredConfigs, good: { key: ConfigKey; name: string; body: string }[], broken: ConfigKey[], at: string): ConfigChanges {
  const saves = good.flatMap((g) => {
    const id = configKeyId(g.key);
    const have = stored.versions.get(id);
    return have?.hash === configHash(g.body) && have.name === g.name && !stored.breaks.has(id) ? [] : [{ ...g, at }];
  });
  return { saves, breaks: broken.filter((k) => !stored.breaks.has(configKeyId(k))).map((key) => ({ key, at })) };
}

type KeyRow = { kind: ConfigKey['kind']; source: ConfigKey['source']; file_name: string };
const KEY_WHERE = 'kind = ? AND source = ? AND file_name = ?';
const keyParams = (k: ConfigKey) => [k.kind, k.source, k.fileName] as const;
const keyOf = (r: KeyRow): ConfigKey => ({ kind: r.kind, source: r.source, fileName: r.file_name });

/** The config_versions and config_breaks tables (migration 0720), on either engine. */
export class ConfigVersions implements ConfigVersionStore {
  constructor(private readonly engine: SqlEngine) {}

  async read(): Promise<StoredConfigs> {
    const versions = await this.engine.all<KeyRow & { name: string; hash: string; body: string; saved_at: string }>('SELECT kind, source, file_name, name, hash, body, saved_at FROM config_versions');
    const breaks = await this.engine.all<KeyRow & { since: string }>('SELECT kind, source, file_name, since FROM config_breaks');
    return {
      versions: new Map(versions.map((r) => [configKeyId(keyOf(r)), { name: r.name, hash: r.hash, body: r.body, savedAt: r.saved_at }])),
      breaks: new Map(breaks.map((r) => [configKeyId(keyOf(r)), r.since])),
    };
  }

  async write(c: ConfigChanges): Promise<Map<string, string>> {
    if (c.saves.length === 0 && c.breaks.length === 0) return new Map();
    return this.engine.tx(
      async (q) => {
        for (const s of c.saves) {
          await q.run(
            `INSERT INTO config_versions (kind, source, file_name, name, hash, body, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (kind, source, file_name) DO UPDATE SET name = excluded.name, hash = excluded.hash, body = excluded.body, saved_at = excluded.saved_at
             WHERE config_versions.hash <> excluded.hash OR config_versions.name <> excluded.name`,
            [...keyParams(s.key), s.name, configHash(s.body), s.body, s.at],
          );
          await q.run(`DELETE FROM config_breaks WHERE ${KEY_WHERE}`, keyParams(s.key));
        }
        const since = new Map<string, string>();
        for (const b of c.breaks) {
          await q.run('INSERT INTO config_breaks (kind, source, file_name, since) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [...keyParams(b.key), b.at]);
          since.set(configKeyId(b.key), (await q.get<{ since: string }>(`SELECT since FROM config_breaks WHERE ${KEY_WHERE}`, keyParams(b.key)))?.since ?? b.at);
        }
        return since;
      },
      { idempotent: true },
    );
  }
}
