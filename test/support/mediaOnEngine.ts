// A MediaStore on a bare engine (SQLite or PostgreSQL, from describeEachEngine), with a project row to
// store clips under: the store's metadata tests run on both engines without the rest of the core.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventName } from '../../shared/contract';
import { CoreEvents } from '../../electron/core/coreEvents';
import type { SqlEngine } from '../../electron/core/db/engine/sqlEngine';
import { MediaStore } from '../../electron/core/media/store/mediaStore';
import { createIds, silentLogger } from '../../electron/core/nodePorts';
import { FakeClock } from './core';
import { tempDir } from './tmp';

export interface MediaOnEngine {
  engine: SqlEngine;
  media: MediaStore;
  clock: FakeClock;
  dataDir: string;
  src: string;
  project: { id: string };
  events: CoreEvents;
  /** Event names emitted so far. */
  seen: EventName[];
  /** Writes a source clip into the temp source folder. */
  file(name: string, body: string | Buffer): string;
  /** Another store over the same engine and data dir (what a restarted app opens). */
  reopen(): MediaStore;
  cleanup(): Promise<void>;
}

export async function mediaOnEngine(engine: SqlEngine, clock = new FakeClock()): Promise<MediaOnEngine> {
  const data = tempDir('ct-media-');
  const src = tempDir('ct-src-');
  const ids = createIds(clock);
  const events = new CoreEvents(silentLogger, true);
  const seen: EventName[] = [];
  events.subscribe((name) => seen.push(name));
  const stores: MediaStore[] = [];
  const open = () => {
    const m = new MediaStore({ dataDir: data.dir, engine, clock, ids, logger: silentLogger, events });
    stores.push(m);
    return m;
  };
  const project = { id: ids.newId('prj') };
  const at = new Date(clock.now()).toISOString();
  await engine.tx((q) => q.run('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)', [project.id, 'Spot', at, at]));
  return {
    engine,
    media: open(),
    clock,
    dataDir: data.dir,
    src: src.dir,
    project,
    events,
    seen,
    file(name, body) {
      const f = join(src.dir, name);
      writeFileSync(f, body);
      return f;
    },
    reopen: open,
    async cleanup() {
      for (const m of stores) {
        await m.idle();
        m.dispose();
      }
      data.cleanup();
      src.cleanup();
    },
  };
}
