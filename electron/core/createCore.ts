import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CoreEvents } from './coreEvents';
import { Db } from './db/db';
import { createDispatcher, type Dispatcher } from './dispatch';
import { createHandlers } from './handlers';
import type { Ports } from './ports';
import { ProjectService } from './projects/projectService';
import { ShotService } from './shots/shotService';

export interface CoreConfig {
  dataDir: string;
  appVersion: string;
  /** Validate outputs and event payloads too (dev and test). */
  isStrict: boolean;
  /** A better-sqlite3 binary built for this runtime, when it is not the default one (Electron). */
  sqliteBinding?: string;
}

export interface Core {
  config: CoreConfig;
  ports: Ports;
  db: Db;
  events: CoreEvents;
  projects: ProjectService;
  shots: ShotService;
  dispatch: Dispatcher;
  dispose(): Promise<void>;
}

export const DB_FILE_NAME = 'circletake.db';

/** Wires every service from config and ports. The only place services are constructed. */
export function createCore(config: CoreConfig, ports: Ports): Core {
  mkdirSync(config.dataDir, { recursive: true });
  const db = Db.open({
    file: join(config.dataDir, DB_FILE_NAME),
    logger: ports.logger,
    clock: ports.clock,
    ...(config.sqliteBinding ? { nativeBinding: config.sqliteBinding } : {}),
  });
  const events = new CoreEvents(ports.logger, config.isStrict);
  const projects = new ProjectService(db, events, ports.clock, ports.ids);
  const shots = new ShotService(db, projects, events, ports.clock, ports.ids);

  const partial = {
    config,
    ports,
    db,
    events,
    projects,
    shots,
    async dispose() {
      events.dispose();
      db.dispose();
    },
  };
  const dispatch = createDispatcher(createHandlers(partial), ports.logger, config.isStrict);
  return { ...partial, dispatch };
}
