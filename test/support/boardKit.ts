import type { EventName } from '../../shared/contract';
import type { Job, JobStatus } from '../../shared/contract/jobs';
import type { Shot } from '../../shared/contract/shots';
import { isActiveJob } from '../../shared/board/derive';
import { BoardService } from '../../electron/core/board/boardService';
import { CoreEvents } from '../../electron/core/coreEvents';
import { migrations as registered } from '../../electron/core/db/migrations';
import type { Migration } from '../../electron/core/db/migration';
import type { SqlEngine } from '../../electron/core/db/engine/sqlEngine';
import { createIds, silentLogger } from '../../electron/core/nodePorts';
import { toJob, type JobRow, type TaskRow } from '../../electron/core/queue/jobRepo';
import { TakeService } from '../../electron/core/takes/takeService';
import { seedJobQ, seedTakeQ, type SeedJob, type SeedTake } from './boardSeed';
import { FakeClock } from './core';

/** Every registered migration (the queue's and the board's among them). */
export function boardMigrations(): Migration[] {
  return [...registered];
}

/**
 * A real BoardService and TakeService on one engine (SQLite or PostgreSQL: see describeEachEngine).
 * Projects, shots and jobs are rows written here with plain SQL and read back through the board's
 * sources port, as createCore adapts the shot service and the queue to it. Events are recorded.
 */
export function boardKit(engine: SqlEngine) {
  const clock = new FakeClock();
  const ids = createIds(clock);
  const events = new CoreEvents(silentLogger, true);
  const seen: { name: EventName; payload: unknown }[] = [];
  events.subscribe((name, payload) => seen.push({ name, payload }));
  const takes = new TakeService(engine, events, clock);
  let positions = 0;
  const shots = async (projectId: string): Promise<Shot[]> =>
    (await engine.all<{ id: string; project_id: string; name: string; position: number; created_at: string; updated_at: string }>(
      'SELECT id, project_id, name, position, created_at, updated_at FROM shots WHERE project_id = ? AND deleted_at IS NULL ORDER BY position',
      [projectId],
    )).map((r) => ({ id: r.id, projectId: r.project_id, name: r.name, position: r.position, createdAt: r.created_at, updatedAt: r.updated_at }));
  const jobs = async (projectId: string): Promise<Job[]> => {
    const out: Job[] = [];
    for (const r of await engine.all<JobRow>('SELECT * FROM jobs WHERE project_id = ? ORDER BY seq', [projectId])) {
      if (!isActiveJob({ status: r.status as JobStatus }) && r.artifact_class !== 'release') continue;
      out.push(toJob(r, await engine.all<TaskRow>('SELECT * FROM job_tasks WHERE job_id = ? ORDER BY n', [r.id])));
    }
    return out;
  };
  const board = new BoardService(engine, { shots, takes: (p, s) => takes.list(p, s), take: (id) => takes.get(id), jobs }, events, clock, ids, silentLogger);
  return {
    engine,
    clock,
    events,
    seen,
    takes,
    board,
    async project(name: string): Promise<{ id: string }> {
      const id = ids.newId('prj');
      await engine.run('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)', [id, name, 't', 't']);
      return { id };
    },
    async shot(projectId: string, name: string): Promise<{ id: string }> {
      const id = ids.newId('sht');
      await engine.run('INSERT INTO shots (id, project_id, name, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [id, projectId, name, ++positions, 't', 't']);
      return { id };
    },
    seedJob: (j: SeedJob) => seedJobQ(engine, j),
    seedTake: (t: SeedTake) => seedTakeQ(engine, t),
    cleanup() {
      events.dispose();
    },
  };
}
export type BoardKit = ReturnType<typeof boardKit>;
