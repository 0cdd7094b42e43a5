import { afterEach, expect, it } from 'vitest';
import type { Quote } from '../../shared/contract/credits';
import type { LimitsView } from '../../shared/money/limits';
import type { AuditEntry } from '../../shared/contract/studio';
import type { Core } from '../../electron/core/createCore';
import type { CallContext } from '../../electron/core/dispatch';
import { FakeClock } from '../support/core';
import { dbNeedsOn, ENGINES, testCoreOn, type EngineName } from '../support/coreOn';
import { callAs, joinAs } from '../support/members';
import { describeWith } from '../support/needs';

// Issue 18 item 3, limits: a member's monthly budget and daily cap and a project's daily cap, set by an
// admin, guarded in the one guard evaluation (quote and submit alike), on both engines. Held credits
// count as well as charged ones; every change is in the admin's audit.

const OWNER: CallContext = { role: 'owner', door: 'cli' };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const PARAMS = { provider: 'local', model: 'gen4.5', durationSec: 5, variations: 1, audio: false, artifactClass: 'preview', upscale: false } as const; // 60 credits

async function setup(engine: EngineName) {
  const clock = new FakeClock(Date.parse('2026-11-22T10:00:00Z'));
  const t = await testCoreOn(engine, { clock });
  cleanups.push(t.cleanup);
  const core = t.core;
  const fay = await joinAs(core, 'filmmaker', 'Fay');
  const ada = await joinAs(core, 'admin', 'Ada');
  const project = await core.projects.create('Spot');
  const hold = (id: string, credits: number, userId: string | undefined, projectId = project.id) =>
    core.ledger.reserve({ id, jobId: `job_${id}`, projectId, ...(userId ? { userId } : {}), stage: 'generate', artifactClass: 'preview', amounts: { local: credits } });
  return { core, clock, fay, ada, project, hold };
}

const quote = (core: Core, ctx: CallContext, projectId?: string) => callAs<Quote>(core, 'credits.quote', { params: PARAMS, ...(projectId ? { projectId } : {}) }, ctx);

for (const engine of ENGINES) describeWith(dbNeedsOn(engine), `limits an admin sets · ${engine}`, () => {
  it("refuses a member's job past their monthly budget or daily cap, in the quote and at submit, naming the member, the limit, the shortfall and ways out", async () => {
    const { core, clock, fay, ada, project, hold } = await setup(engine);
    const limits = await callAs<LimitsView>(core, 'credits.setUserLimits', { userId: 'fay', monthly: 100 }, ada); // a unique name works as well as the id
    expect(limits.members.find((m) => m.userId === fay.memberId)).toMatchObject({ name: 'Fay', monthly: 100, daily: null, updatedBy: ada.memberId });
    expect((await quote(core, fay)).canSubmit).toBe(true);

    await hold('r1', 50, fay.memberId); // held, not yet charged: it counts
    const q = await quote(core, fay);
    expect(q.canSubmit).toBe(false);
    expect(q.refusals).toHaveLength(1);
    expect(q.refusals[0]).toMatchObject({ rule: 'budgets.user', member: fay.memberId, limit: 100, shortfall: 10, pool: null });
    expect(q.refusals[0]!.message).toBe("Fay's monthly budget: 100 credits, 50 used this month, 50 left; this job needs 60.");
    expect(q.refusals[0]!.waysOut.map((w) => w.kind)).toEqual(expect.arrayContaining(['wait_for_reset', 'ask_admin']));
    expect(q.refusals[0]!.waysOut.find((w) => w.kind === 'wait_for_reset')?.at).toBe('2026-12-01T00:00:00.000Z');
    // The same refusal at submit, and nothing queued.
    const r = await core.dispatch('jobs.submit', { params: { ...PARAMS, prompt: 'a lighthouse', seed: 1 }, projectName: 'Spot' }, fay);
    expect(r.ok ? null : r.error).toMatchObject({ code: 'POLICY_REFUSED', details: { rule: 'budgets.user', member: fay.memberId, limit: 100, shortfall: 10 } });
    expect((await core.queue.list({})).length).toBe(0);
    // Another member, and the owner's own session, are not held to Fay's budget.
    expect((await quote(core, ada)).canSubmit).toBe(true);
    expect((await quote(core, OWNER)).canSubmit).toBe(true);

    // The daily cap: yesterday's hold counts toward the month, not toward today.
    await callAs(core, 'credits.setUserLimits', { userId: fay.memberId, monthly: null, daily: 80 }, ada);
    expect((await quote(core, fay)).refusals.map((x) => [x.rule, x.shortfall, x.limit])).toEqual([['budgets.user_daily', 30, 80]]);
    clock.advance(24 * 3600_000);
    expect((await quote(core, fay)).canSubmit).toBe(true);
    await hold('r2', 30, fay.memberId);
    const d = await quote(core, fay);
    expect(d.refusals[0]!.message).toBe("Fay's daily cap: 80 credits a day, 30 used today, 50 left; this job needs 60.");
    expect(d.refusals[0]!.waysOut.find((w) => w.kind === 'wait_for_reset')?.at).toBe('2026-11-24T00:00:00.000Z');
    // Released, the hold no longer counts.
    await core.ledger.void('r2', 'cancelled');
    expect((await quote(core, fay)).canSubmit).toBe(true);
    expect((await callAs<LimitsView>(core, 'credits.limits', {}, ada)).members.find((m) => m.userId === fay.memberId)).toMatchObject({ spentToday: 0, spentMonth: 50, daily: 80 });
    void project;
  });

  it("refuses any job past the project's daily cap; the all-time budget still holds; a filmmaker may not set limits; the audit names who changed what", async () => {
    const { core, clock, fay, ada, project, hold } = await setup(engine);
    await callAs(core, 'credits.setProjectDailyCap', { projectId: project.id, daily: 100 }, ada);
    await hold('r1', 50, undefined);
    const q = await quote(core, OWNER, project.id);
    expect(q.refusals.map((x) => [x.rule, x.shortfall, x.limit])).toEqual([['budgets.project_daily', 10, 100]]);
    expect(q.refusals[0]!.message).toBe('Project daily cap: 100 credits a day, 50 used today, 50 left; this job needs 60.');
    expect((await quote(core, OWNER)).canSubmit).toBe(true); // another project (none): not capped
    // Both project rules at once: the budget (all time) and the daily cap.
    await callAs(core, 'credits.setBudget', { projectId: project.id, credits: 90 }, ada);
    expect((await quote(core, fay, project.id)).refusals.map((x) => x.rule)).toEqual(['budgets.project', 'budgets.project_daily']);

    const forbidden = await core.dispatch('credits.setUserLimits', { userId: fay.memberId, daily: 1000 }, fay);
    expect(forbidden.ok ? null : forbidden.error.code).toBe('FORBIDDEN');
    const missing = await core.dispatch('credits.setUserLimits', { userId: 'nobody', daily: 10 }, ada);
    expect(missing.ok ? null : missing.error).toMatchObject({ code: 'NOT_FOUND', details: { field: 'userId' } });
    const zero = await core.dispatch('credits.setProjectDailyCap', { projectId: project.id, daily: 0 }, ada);
    expect(zero.ok ? null : zero.error).toMatchObject({ code: 'VALIDATION' });
    const noProject = await core.dispatch('credits.setProjectDailyCap', { projectId: 'prj_nope', daily: 10 }, ada);
    expect(noProject.ok ? null : noProject.error.code).toBe('NOT_FOUND');

    clock.advance(1000);
    await callAs(core, 'credits.setUserLimits', { userId: fay.memberId, monthly: 5000 }, ada);
    const audit = await callAs<{ entries: AuditEntry[] }>(core, 'studio.audit', { limit: 50 }, OWNER);
    const changes = audit.entries.filter((e) => e.action === 'limitChanged');
    expect(changes.map((e) => [e.memberName, e.subject, e.detail])).toEqual([
      ['Ada', fay.memberId, 'limits of Fay: monthly none → 5,000, daily none → none'],
      ['Ada', project.id, `daily cap of project ${project.id}: none → 100`],
    ]);
  });
});
