import type { FinalizePlan } from '../../../shared/contract/finalize';
import type { Core } from '../../core/createCore';
import type { CliIo, Command } from '../cliSupport';
import { call, dataDirOption, openCore, parseFlags, parseIntFlag, projectOf, reportError, UsageError, warnBrokenConfigs } from '../cliSupport';

function printPlan(io: CliIo, p: FinalizePlan): void {
  io.out(`Finalize ${p.items.length} shortlisted take${p.items.length === 1 ? '' : 's'} at release spec:`);
  for (const i of p.items) io.out(`  ${i.shotName.padEnd(16)} ${i.takeId}  ${i.model} ${i.durationSec ?? '?'} s ${i.ratio ?? ''}  preview ${i.previewCredits} → release ${i.releaseCredits} credits`);
  for (const s of p.skipped) io.out(`  skipped ${s.takeId}: ${s.reason}`);
  io.out(`Total ${p.totalCredits} credits${p.multiplier !== null ? ` (×${p.multiplier} what the previews cost)` : ''}.`);
  for (const [surface, need] of Object.entries(p.pools)) io.out(`  ${surface}: ${p.before[surface]} → ${p.after[surface]} (−${need})`);
  for (const r of p.refusals) io.out(`  refused: ${r.message}${r.waysOut.length ? ` Ways out: ${r.waysOut.map((w) => w.text).join('; ')}.` : ''}`);
}

async function waitForJobs(core: Core, ids: string[]): Promise<void> {
  const open = async () => (await Promise.all(ids.map((id) => call(core, 'jobs.get', { id })))).filter((j) => ['queued', 'paused', 'running'].includes(j.status));
  while ((await open()).length > 0) {
    if (core.queue.isRunner) await core.queue.idle();
    await new Promise((r) => setTimeout(r, 100));
  }
  await core.takeChecks.idle();
}

export const finalizeCommand: Command = {
  name: 'finalize',
  summary: 'show what re-rendering the shortlist at release spec costs; --yes submits it',
  usage: 'circletake finalize --project NAME [--top N | --top-percent X] [--yes] [--wait] [--json] [--data-dir D]',
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      ...dataDirOption,
      project: { type: 'string' },
      top: { type: 'string' },
      'top-percent': { type: 'string' },
      yes: { type: 'boolean' },
      wait: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (!values.project) throw new UsageError('--project is required');
    const top = parseIntFlag(values.top, 'top', 1, 1000);
    const topPercent = parseIntFlag(values['top-percent'], 'top-percent', 1, 100);
    if (top !== undefined && topPercent !== undefined) throw new UsageError('give --top or --top-percent, not both');
    const json = values.json === true;
    let core: Core | undefined;
    try {
      core = await openCore(values);
      await warnBrokenConfigs(core, io);
      const project = await projectOf(core, values.project);
      const plan = await call(core, 'finalize.plan', { projectId: project.id, ...(top === undefined ? {} : { top }), ...(topPercent === undefined ? {} : { topPercent }) });
      if (!values.yes) {
        if (json) io.out(JSON.stringify({ plan, submitted: false }));
        else {
          printPlan(io, plan);
          io.out(plan.canRun ? 'Run again with --yes to submit.' : 'Nothing submitted.');
        }
        return 0;
      }
      if (!plan.canRun) {
        if (json) io.out(JSON.stringify({ plan, submitted: false }));
        else printPlan(io, plan);
        io.err(`circletake: finalize refused: ${plan.refusals.map((r) => r.message).join(' ')}`);
        return 1;
      }
      if (values.wait) await core.queue.start();
      const result = await call(core, 'finalize.run', { projectId: project.id, takeIds: plan.items.map((i) => i.takeId), expectedCredits: plan.totalCredits });
      if (values.wait) await waitForJobs(core, result.jobIds);
      const jobs = await Promise.all(result.jobIds.map((id) => call(core!, 'jobs.get', { id })));
      if (json) io.out(JSON.stringify({ plan, submitted: true, jobs: jobs.map((j) => ({ id: j.id, status: j.status, sourceTakeId: j.sourceTakeId, capturedCredits: j.capturedCredits })), failed: result.failed }));
      else {
        printPlan(io, plan);
        io.out(`Submitted ${result.jobIds.length} release job${result.jobIds.length === 1 ? '' : 's'}${result.failed.length ? `; ${result.failed.length} failed` : ''}.`);
      }
      return result.failed.length > 0 || jobs.some((j) => j.status === 'failed') ? 1 : 0;
    } catch (e) {
      return reportError(e, io, json);
    } finally {
      await core?.dispose();
    }
  },
};
