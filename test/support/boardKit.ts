import { join } from 'node:path';
import type { EventName } from '../../shared/contract';
import { BoardService } from '../../electron/core/board/boardService';
import { CoreEvents } from '../../electron/core/coreEvents';
import { Db } from '../../electron/core/db/db';
import { migrations as registered } from '../../electron/core/db/migrations';
import * as m0210 from '../../electron/core/db/migrations/0210-create-jobs';
import * as m0400 from '../../electron/core/db/migrations/0400-create-take-tags';
import * as m0410 from '../../electron/core/db/migrations/0410-create-take-comments';
import * as m0420 from '../../electron/core/db/migrations/0420-create-shortlist';
import * as m0430 from '../../electron/core/db/migrations/0430-create-board-actions';
import * as m0440 from '../../electron/core/db/migrations/0440-create-take-published';
import type { Migration } from '../../electron/core/db/migration';
import { createIds, silentLogger } from '../../electron/core/nodePorts';
import { ProjectService } from '../../electron/core/projects/projectService';
import { isActiveJob } from '../../shared/board/derive';
import { JobRepo, toJob } from '../../electron/core/queue/jobRepo';
import { ShotService } from '../../electron/core/shots/shotService';
import { TakeService } from '../../electron/core/takes/takeService';
import { FakeClock } from './core';
import { tempDir } from './tmp';

/** The queue's and the board's migrations, whether or not index.ts registers them yet. */
export function boardMigrations(): Migration[] {
  const byVersion = new Map<number, Migration>();
  for (const m of [...registered, m0210, m0400, m0410, m0420, m0430, m0440]) byVersion.set(m.version, m);
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}

/**
 * A real BoardService on a temp-file SQLite database with the real project, shot and take services,
 * wired as createCore wires it (jobs read through the queue's repository). Events are recorded.
 */
export function boardKit() {
  const tmp = tempDir('ct-board-');
  const clock = new FakeClock();
  const ids = createIds(clock);
  const db = Db.open({ file: join(tmp.dir, 'circletake.db'), logger: silentLogger, clock, migrations: boardMigrations() });
  const events = new CoreEvents(silentLogger, true);
  const seen: { name: EventName; payload: unknown }[] = [];
  events.subscribe((name, payload) => seen.push({ name, payload }));
  const projects = new ProjectService(db, events, clock, ids);
  const shots = new ShotService(db, projects, events, clock, ids);
  const takes = new TakeService(db, events, clock);
  const jobs = new JobRepo(db.conn);
  const board = new BoardService(
    db,
    {
      shots: (p) => shots.list(p),
      takes: (p, s) => takes.list(p, s),
      take: (id) => takes.get(id),
      jobs: (p) =>
        jobs.s.list
          .all({ projectId: p, limit: 100_000 })
          .filter((r) => isActiveJob(r) || r.artifact_class === 'release')
          .map((r) => toJob(r, jobs.tasks(r.id))),
    },
    events,
    clock,
    ids,
    silentLogger,
  );
  return {
    db,
    conn: db.conn,
    clock,
    events,
    seen,
    projects,
    shots,
    takes,
    board,
    cleanup() {
      events.dispose();
      db.dispose();
      tmp.cleanup();
    },
  };
}
export type BoardKit = ReturnType<typeof boardKit>;
