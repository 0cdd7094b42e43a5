import type { Recommendation, Report } from '../../../shared/contract/insightTypes';
import { UsageBucket, type UsageBy } from '../../../shared/contract/usage';
import { isAppError } from '../../../shared/errors';
import type { Core } from '../../core/createCore';
import { reportCsv } from '../../core/insight/reportCsv';
import { usageCsv } from '../../core/usage/usageCsv';
import type { CliIo, Command } from '../cliSupport';
import { call, dataDirOption, openCore, parseFlags, projectOf, UsageError } from '../cliSupport';
import { printUsage } from './usageOutput';

/**
 * circletake report [--json|--csv] [--since DATE] [--until DATE] [--project NAME|ID]
 * What it really costs: spend per day by stage and class, weekly spend and its change, p95 queue and
 * end-to-end latency by model and status, export failure rate, rerender rate, estimate vs actual with
 * the learned credits per second, credits per kept take and approved final, what the cache saved, and
 * the decision framework's recommendations. Default range: the last 30 days.
 * With --over day|week|month: usage over time per member (--by user, the default) or per project
 * (--by project) instead (spend.usage).
 */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const n = (x: number) => x.toLocaleString('en-US');
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10} %`);
const ms = (x: number | null) => (x === null ? '—' : x >= 60_000 ? `${Math.round(x / 6000) / 10} min` : `${Math.round(x / 100) / 10} s`);

function dayFlag(v: string | undefined, flag: string): string | undefined {
  if (v === undefined) return undefined;
  if (!DAY.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new UsageError(`--${flag} must be a day like 2026-11-01 (got "${v}")`);
  return v;
}

export function printReport(r: Report, recs: readonly Recommendation[], io: CliIo, projectName: string | null, byUser = false): void {
  const s = r.spend;
  io.out(`Circle Take report ${r.since} to ${r.until} (exclusive)${projectName ? `, project ${projectName}` : ', all projects'} — as of ${r.asOf}`);
  io.out('');
  io.out(`Spend        ${n(s.credits)} credits net of refunds`);
  io.out(`  by stage   ${Object.entries(s.byStage).map(([k, v]) => `${k} ${n(v)}`).join(' · ')}`);
  io.out(`  by class   ${Object.entries(s.byClass).map(([k, v]) => `${k} ${n(v)}`).join(' · ')}`);
  const active = s.byDay.filter((d) => d.credits !== 0);
  io.out(`  per day    ${active.length === 0 ? 'nothing spent' : active.map((d) => `${d.day} ${n(d.credits)}`).join(' · ')}`);
  if (byUser) {
    io.out(`  by member  ${s.byUser.length === 0 ? 'nothing spent' : ''}`);
    for (const u of s.byUser) io.out(`    ${(u.name ?? '(no one named)').padEnd(24)} ${n(u.credits).padStart(10)} credits  ${s.credits === 0 ? '' : pct(u.credits / s.credits)}${u.userId?.startsWith('mem_') ? `  ${u.userId}` : ''}`);
  }
  io.out(`  per week   ${s.weeks.map((w) => `${w.weekStart} ${n(w.credits)}${w.change === null ? '' : ` (${w.change >= 0 ? '+' : ''}${pct(w.change)}${w.isFlagged ? ' FLAGGED' : ''})`}${w.isComplete ? '' : w.weekStart < r.since ? ' (part)' : ' (running)'}`).join(' · ')}`);
  io.out('');
  io.out(`Attempts     ${r.attempts.total} (${Object.entries(r.attempts.byStatus).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})`);
  if (r.latency.length > 0) {
    io.out('  p95 by model and status         attempts   queue      latency    end-to-end');
    for (const l of r.latency) io.out(`  ${`${l.provider}/${l.model} ${l.status}`.padEnd(32)} ${String(l.attempts).padStart(8)}   ${ms(l.p95QueueMs).padEnd(10)} ${ms(l.p95LatencyMs).padEnd(10)} ${ms(l.p95EndToEndMs)}`);
  }
  const f = r.exportFailures;
  io.out(`Export failures  ${f.failures} of ${f.attempts} release attempts (${pct(f.rate)})${f.worstWindow ? `; worst 30 min from ${f.worstWindow.start}: ${pct(f.worstWindow.rate)}` : ''}`);
  const l7 = r.rerender.last7Days;
  io.out(`Rerender rate    last 7 days ${l7.rate === null ? '—' : l7.rate.toFixed(2)} (${l7.attempts} renders / ${l7.shipped} shipped)${l7.isFlagged ? ' FLAGGED: above 2.0, a cost bug' : ''}`);
  for (const w of r.rerender.weeks) io.out(`  week ${w.weekStart}  ${w.rate === null ? '—' : w.rate.toFixed(2)} (${w.attempts}/${w.shipped})${w.isFlagged ? ' FLAGGED' : ''}`);
  io.out('');
  if (r.estimates.length > 0) {
    io.out('Estimate vs actual                      samples  estimated  actual  error    card/s  learned/s');
    for (const e of r.estimates) {
      io.out(`  ${`${e.provider}/${e.model} ${e.resolution}`.padEnd(38)} ${String(e.samples).padStart(7)}  ${n(e.estimated).padStart(9)}  ${n(e.actual).padStart(6)}  ${pct(e.error).padEnd(7)}  ${String(e.cardCreditsPerSecond ?? '—').padStart(6)}  ${String(e.learnedCreditsPerSecond ?? '—').padStart(9)}`);
    }
  } else io.out('Estimate vs actual  no successful attempts with a known cost yet');
  const y = r.yield;
  io.out('');
  io.out(`Kept takes ${y.keptTakes} · approved finals ${y.approvedFinals} · shipped ${y.shippedAssets}`);
  io.out(`Credits per kept take ${y.creditsPerKeptTake ?? '—'} · per approved final ${y.creditsPerApprovedFinal ?? '—'}`);
  io.out(`Cache hits ${y.cacheHits}, ${n(y.creditsSaved)} credits saved · refunded ${n(y.refunded)}`);
  io.out('');
  io.out('Recommendations');
  for (const x of recs) io.out(`  ${x.level.toUpperCase().padEnd(4)} ${x.signal} (${x.threshold}; needs ${x.minSamples} ${x.sampleUnit}, has ${x.samples}): ${x.evidence}${x.isTriggered ? ` → ${x.action}` : ''}`);
}

/** spend.usage; a range it refuses (too long) is a usage error naming the flag (--since for from, --until for to). */
async function usageOver(core: Core, input: { by: UsageBy; bucket: UsageBucket; from?: string; to?: string }) {
  try {
    return await call(core, 'spend.usage', input);
  } catch (e) {
    const field = isAppError(e) && e.code === 'VALIDATION' ? e.details?.field : undefined;
    if (field === 'from' || field === 'to') throw new UsageError(`--${field === 'from' ? 'since' : 'until'}: ${e instanceof Error ? e.message.replace(/^(from|to): /, '') : ''}`);
    throw e;
  }
}

async function resolveProject(core: Core, ref: string | undefined): Promise<{ id: string; name: string } | null> {
  if (ref === undefined) return null;
  const p = await projectOf(core, ref);
  return { id: p.id, name: p.name };
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'what it really costs: spend by day, stage and class, p95 latency, failure and rerender rates, estimate vs actual, recommendations',
  usage: 'circletake report [--json|--csv] [--since DATE] [--until DATE] [--project NAME|ID] [--by user] [--data-dir D]\n       circletake report --over day|week|month [--by user|project] [--since DATE] [--until DATE] [--json|--csv] [--data-dir D]',
  notes:
    '--by user adds spend by member (a studio\'s members by name, a local session by the name it tags with); --json and --csv always carry it (spend.byUser, spend_by_user rows). ' +
    '--over day|week|month prints usage over time instead, per member or (--by project) per project: charged net of refunds, held by running jobs, refunded, per bucket (spend.usage in --json, usage_by_user or usage_by_project rows in --csv); the range widens to whole weeks (from Monday) or months.',
  async run(argv, io) {
    const { values } = parseFlags(argv, { ...dataDirOption, json: { type: 'boolean' }, csv: { type: 'boolean' }, since: { type: 'string' }, until: { type: 'string' }, project: { type: 'string' }, by: { type: 'string' }, over: { type: 'string' } });
    if (values.over !== undefined && !UsageBucket.safeParse(values.over).success) throw new UsageError(`--over must be day, week or month (usage over time in buckets of that length); got "${values.over}"`);
    if (values.over !== undefined && values.by !== undefined && values.by !== 'user' && values.by !== 'project') throw new UsageError(`--by must be user or project with --over; got "${values.by}"`);
    if (values.over === undefined && values.by !== undefined && values.by !== 'user') {
      throw new UsageError(values.by === 'project' ? '--by must be user without --over; usage by project needs --over day|week|month' : `--by must be user (spend by member); got "${values.by}"`);
    }
    if (values.over !== undefined && values.project !== undefined) throw new UsageError('--project does not go with --over: usage over time covers every project (see each one with --by project)');
    if (values.json && values.csv) throw new UsageError('report: pick one of --json or --csv');
    const since = dayFlag(values.since, 'since');
    const until = dayFlag(values.until, 'until');
    if (values.over !== undefined && since && until && since >= until) throw new UsageError(`--since ${since} must be before --until ${until} (the day the range ends before)`);
    let core: Core | undefined;
    try {
      core = await openCore(values);
      if (values.over !== undefined) {
        const usage = await usageOver(core, { by: (values.by ?? 'user') as UsageBy, bucket: values.over as UsageBucket, ...(since ? { from: since } : {}), ...(until ? { to: until } : {}) });
        if (values.json) io.out(JSON.stringify(usage, null, 2));
        else if (values.csv) io.out(usageCsv(usage));
        else printUsage(usage, io);
        return 0;
      }
      const project = await resolveProject(core, values.project);
      const range = { ...(since ? { since } : {}), ...(until ? { until } : {}), ...(project ? { projectId: project.id } : {}) };
      const report = await call(core, 'insight.report', range);
      const recs = await call(core, 'insight.recommendations', range);
      if (values.json) io.out(JSON.stringify({ ...report, recommendations: recs }, null, 2));
      else if (values.csv) io.out(reportCsv(report, recs));
      else printReport(report, recs, io, project?.name ?? null, values.by === 'user');
      return 0;
    } finally {
      await core?.dispose();
    }
  },
};
