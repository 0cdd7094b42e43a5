// A whole core on either storage engine: SQLite (the data dir's file, as one person uses it) or PostgreSQL
// (a fresh database on the run's throwaway cluster, as a studio uses it), opened by openCore as every door does.
import { cpSync } from 'node:fs';
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

export interface SeededCores<T> {
  /** What the seed returned (ids to find the seeded rows by). */
  seeded: T;
  /** A fresh copy of the seeded core: its data dir copied, and on PostgreSQL its database made from the seeded one. */
  open(opts?: { clock?: Clock }): Promise<CoreOn>;
  cleanup(): Promise<void>;
}

/**
 * One seed, many fresh cores: `seed` runs once on a core of its own, which is then closed; each `open()`
 * starts from a copy of what it wrote (cheaper than seeding every test again, and the same on both engines).
 */
export async function seededCoresOn<T>(engine: EngineName, seed: (core: Core) => Promise<T>, opts: { clock?: Clock } = {}): Promise<SeededCores<T>> {
  const adminUrl = engine === 'postgres' ? inject('pgAdminUrl') : null;
  if (engine === 'postgres' && !adminUrl) throw new Error('PostgreSQL is not available to this run');
  const dir = tempDir('ct-seed-');
  const db = adminUrl ? await createDatabase(adminUrl, 'ct_seed', inject('pgTemplate')) : null;
  const base = { appVersion: '0.0.0-test', isStrict: true };
  const core = await openCore({ ...base, dataDir: dir.dir, ...(db ? { databaseUrl: db.url } : {}) }, testPorts(opts.clock));
  const seeded = await seed(core);
  await core.dispose(); // no session may stay on a database used as a template
  return {
    seeded,
    async open(o = {}) {
      const copy = tempDir('ct-core-');
      cpSync(dir.dir, copy.dir, { recursive: true });
      const copyDb = adminUrl && db ? await createDatabase(adminUrl, 'ct_core', new URL(db.url).pathname.slice(1)) : null;
      const c = await openCore({ ...base, dataDir: copy.dir, ...(copyDb ? { databaseUrl: copyDb.url } : {}) }, testPorts(o.clock));
      return {
        core: c,
        dataDir: copy.dir,
        databaseUrl: copyDb?.url ?? null,
        async cleanup() {
          await c.dispose();
          await copyDb?.drop();
          copy.cleanup();
        },
      };
    },
    async cleanup() {
      await db?.drop();
      dir.cleanup();
    },
  };
}
