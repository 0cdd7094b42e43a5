// A whole core on either storage engine: SQLite (the data dir's file, as one person uses it) or PostgreSQL
// (a fresh database on the run's throwaway cluster, as a studio uses it), opened by openCore as every door does.
import { afterEach, inject } from 'vitest';
import { openCore, type Core, type CoreConfig } from '../../electron/core/createCore';
import type { Clock, Logger } from '../../electron/core/ports';
import { testPorts } from './core';
import { pgNeed } from './engines';
import { ffmpegNeed, type Need } from './needs';
import { createDatabase } from './pgCluster';
import { tempDir } from './tmp';

export type EngineName = 'sqlite' | 'postgres';
export const ENGINES: readonly EngineName[] = ['sqlite', 'postgres'];

/** What a suite on this engine needs: ffmpeg for real clips, and the cluster on PostgreSQL. */
export function needsOn(engine: EngineName): Need[] {
  return engine === 'sqlite' ? [ffmpegNeed] : [ffmpegNeed, pgNeed];
}

/** What a suite on this engine needs when it makes no clips: the cluster on PostgreSQL, nothing on SQLite. */
export function dbNeedsOn(engine: EngineName): Need[] {
  return engine === 'sqlite' ? [] : [pgNeed];
}

const drops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const d of drops.splice(0)) await d();
});

/** A fresh studio database (dropped after the test), for cores on PostgreSQL and for processes given its URL. */
export async function studioDatabase(): Promise<string> {
  const adminUrl = inject('pgAdminUrl');
  if (!adminUrl) throw new Error('PostgreSQL is not available to this run');
  const db = await createDatabase(adminUrl, 'ct_core', inject('pgTemplate'));
  drops.push(db.drop);
  return db.url;
}

export interface CoreOn {
  core: Core;
  dataDir: string;
  /** The studio database (postgres), to open another core on the same data as another worker would. */
  databaseUrl: string | null;
  cleanup(): Promise<void>;
}

/**
 * A core on `engine`. Give `dataDir` (SQLite) or `databaseUrl` (PostgreSQL) to open a second core on the
 * same data, as a restart or another worker process does.
 */
export async function testCoreOn(
  engine: EngineName,
  opts: { dataDir?: string; databaseUrl?: string; clock?: Clock; config?: Partial<CoreConfig>; logger?: Logger } = {},
): Promise<CoreOn> {
  const tmp = opts.dataDir ? null : tempDir('ct-core-');
  const dataDir = opts.dataDir ?? tmp!.dir;
  const databaseUrl = engine === 'postgres' ? (opts.databaseUrl ?? (await studioDatabase())) : null;
  const ports = testPorts(opts.clock);
  const core = await openCore(
    { dataDir, appVersion: '0.0.0-test', isStrict: true, ...opts.config, ...(databaseUrl ? { databaseUrl } : {}) },
    opts.logger ? { ...ports, logger: opts.logger } : ports,
  );
  return {
    core,
    dataDir,
    databaseUrl,
    async cleanup() {
      await core.dispose();
      tmp?.cleanup();
    },
  };
}

/**
 * A core for a whole suite (opened in beforeAll, closed in afterAll): on PostgreSQL its database lives
 * until `cleanup`, not until the first test ends as testCoreOn's own does.
 */
export async function suiteCoreOn(
  engine: EngineName,
  opts: Omit<Parameters<typeof testCoreOn>[1] & object, 'databaseUrl'> = {},
): Promise<CoreOn> {
  const adminUrl = engine === 'postgres' ? inject('pgAdminUrl') : null;
  if (engine === 'postgres' && !adminUrl) throw new Error('PostgreSQL is not available to this run');
  const db = adminUrl ? await createDatabase(adminUrl, 'ct_core', inject('pgTemplate')) : null;
  const t = await testCoreOn(engine, { ...opts, ...(db ? { databaseUrl: db.url } : {}) });
  return {
    ...t,
    async cleanup() {
      await t.cleanup();
      await db?.drop();
    },
  };
}
