import { expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/core';
import { seedJobQ, type SeedJob } from '../../../test/support/boardSeed';
import { describeEachEngine } from '../../../test/support/engines';
import { ledgerOn } from '../../../test/support/ledgerOn';
import type { SqlEngine } from '../db/engine/sqlEngine';
import { modelsInUse } from './modelsInUse';
import { providerBooksRepo } from './providerBooksRepo';

// The money side's reads of the queue's tables, on both engines: what Runway holds for this app's tasks,
// the books' charges per day and model (the usage reconciliation), and the models the projects use.
async function project(engine: SqlEngine, id: string, deleted = false): Promise<void> {
  await engine.run('INSERT INTO projects (id, name, created_at, updated_at, deleted_at) VALUES (?, ?, ?, ?, ?)', [id, `name ${id}`, 't', 't', deleted ? 't' : null]);
  await engine.run('INSERT INTO shots (id, project_id, name, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [`shot_${id}`, id, 'Opening', 1, 't', 't']);
}

const job = (engine: SqlEngine, j: Omit<SeedJob, 'shotId'>) => seedJobQ(engine, { ...j, shotId: `shot_${j.projectId}` });

describeEachEngine('provider books repo', (open) => {
  it('counts the tasks in flight at a provider and the credits it holds for them, and the unknown ones', async () => {
    const engine = await open();
    await project(engine, 'prj_a');
    expect(await providerBooksRepo.inFlight(engine, 'runway')).toEqual({ tasks: 0, credits: 0, unknown: 0 });
    // 3 variations estimated at 100: 34 credits a task when the task has no estimate of its own (rounded up).
    await job(engine, { id: 'j1', projectId: 'prj_a', provider: 'runway', variations: 3, estimatedCredits: 100, status: 'running', tasks: [{ status: 'intent' }, { status: 'submitted' }, { status: 'succeeded' }] });
    await job(engine, { id: 'j2', projectId: 'prj_a', provider: 'runway', variations: 2, estimatedCredits: 50, status: 'unknown', tasks: [{ status: 'unknown' }, { status: 'failed' }] });
    await job(engine, { id: 'j3', projectId: 'prj_a', provider: 'local', variations: 1, estimatedCredits: 60, status: 'running', tasks: [{ status: 'submitted' }] });
    await engine.run('UPDATE job_tasks SET estimated_credits = 40 WHERE job_id = ? AND n = ?', ['j1', 1]);
    expect(await providerBooksRepo.inFlight(engine, 'runway')).toEqual({ tasks: 2, credits: 34 + 40, unknown: 1 });
    expect(await providerBooksRepo.inFlight(engine, 'local')).toEqual({ tasks: 1, credits: 60, unknown: 0 });
    // Inside a transaction, through its Queryable (the ledger's provider_sync asks there whether the provider is quiet).
    expect(await engine.tx((q) => providerBooksRepo.inFlight(q, 'runway'))).toEqual({ tasks: 2, credits: 74, unknown: 1 });
  });

  it("sums the books' charges per UTC day and model for one provider's jobs, less refunds", async () => {
    const engine = await open();
    const clock = new FakeClock(Date.parse('2026-11-22T23:00:00Z'));
    const l = await ledgerOn(engine, clock);
    await project(engine, 'prj_a');
    await job(engine, { id: 'j1', projectId: 'prj_a', provider: 'runway', model: 'gen4.5' });
    await job(engine, { id: 'j2', projectId: 'prj_a', provider: 'runway', model: 'gen4_turbo' });
    await job(engine, { id: 'j3', projectId: 'prj_a', provider: 'local', model: 'gen4.5' });
    const reserve = (jobId: string, credits: number) => l.ledger.reserve({ id: `res-${jobId}`, jobId, projectId: 'prj_a', stage: 'generate', artifactClass: 'preview', amounts: { local: credits } });
    await l.ledger.capture((await reserve('j1', 600)).id, 450);
    await l.ledger.capture((await reserve('j3', 70)).id, 70);
    clock.advance(2 * 3600_000); // the next UTC day
    await l.ledger.capture((await reserve('j2', 100)).id, 100);
    await l.ledger.refund({ id: 'refund-j2', reservationId: 'res-j2', credits: 40, reason: 'a clip came back black' });
    const byKey = (rows: { day: string; model: string; credits: number }[]) => [...rows].sort((a, b) => `${a.day}${a.model}`.localeCompare(`${b.day}${b.model}`));
    expect(byKey(await providerBooksRepo.chargedByDayModel(engine, 'runway', '2026-11-22', '2026-11-24'))).toEqual([
      { day: '2026-11-22', model: 'gen4.5', credits: 450 },
      { day: '2026-11-23', model: 'gen4_turbo', credits: 60 },
    ]);
    expect(await providerBooksRepo.chargedByDayModel(engine, 'runway', '2026-11-23', '2026-11-24')).toEqual([{ day: '2026-11-23', model: 'gen4_turbo', credits: 60 }]);
    expect(await providerBooksRepo.chargedByDayModel(engine, 'local', '2026-11-22', '2026-11-23')).toEqual([{ day: '2026-11-22', model: 'gen4.5', credits: 70 }]);
    await l.close();
  });

  it("names the models of live projects' jobs, imports left out, once each and sorted", async () => {
    const engine = await open();
    expect(await modelsInUse(engine)).toEqual([]);
    await project(engine, 'prj_a');
    await project(engine, 'prj_gone', true);
    await job(engine, { id: 'j1', projectId: 'prj_a', model: 'gen4_turbo' });
    await job(engine, { id: 'j2', projectId: 'prj_a', model: 'gen4.5' });
    await job(engine, { id: 'j3', projectId: 'prj_a', model: 'gen4.5' });
    await job(engine, { id: 'j4', projectId: 'prj_a', provider: 'import', model: 'imported-clip' });
    await job(engine, { id: 'j5', projectId: 'prj_gone', model: 'veo3' });
    expect(await modelsInUse(engine)).toEqual(['gen4.5', 'gen4_turbo']);
  });
});
