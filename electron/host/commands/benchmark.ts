import type { BenchmarkReport } from '../../../shared/contract/benchmarkTypes';
import { ProviderId } from '../../../shared/money/params';
import type { Core } from '../../core/createCore';
import type { CliIo, Command } from '../cliSupport';
import { call, dataDirOption, openCore, parseFlags, reportError, UsageError } from '../cliSupport';

/**
 * circletake benchmark [--provider local|runway] [--plan NAME] [--model M] [--yes] [--json]
 * circletake benchmark --list [--json]
 * circletake benchmark --apply ID [--json]
 * The quarterly benchmark (docs/sources.md 003): 5 small previews (5 s, the lowest picture, 1 variation) and 5 bigger
 * ones (10 s, a higher picture, 2 variations), one at a time through the queue; credits before/after,
 * queue time, latency and failures per job; effective credits per second, p95 latency, failure rate. A
 * dated report goes to <dataDir>/benchmarks with the proposed plan-config changes as a diff; --apply ID
 * writes that plan into <dataDir>/plans (checked_at and version move on). Runway spends real credits:
 * it runs only with --yes, after showing the estimate.
 */
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10} %`);
const ms = (x: number | null) => (x === null ? '—' : x >= 60_000 ? `${Math.round(x / 6000) / 10} min` : `${Math.round(x / 100) / 10} s`);

export function printBenchmark(r: BenchmarkReport, io: CliIo): void {
  const s = r.summary;
  io.out(`Benchmark ${r.id} — ${r.day}, ${r.provider}/${r.model}, plan ${r.plan}`);
  io.out('');
  io.out('  job    seconds  picture     var  status   before   after    charged  queue      latency');
  for (const j of r.jobs) {
    io.out(
      `  ${j.kind.padEnd(6)} ${String(j.durationSec).padStart(7)}  ${j.ratio.padEnd(10)}  ${String(j.variations).padStart(3)}  ${j.status.padEnd(7)}  ${String(j.creditsBefore ?? '—').padStart(6)}  ${String(j.creditsAfter ?? '—').padStart(6)}  ${String(j.charged ?? '—').padStart(7)}  ${ms(j.queueTimeMs).padEnd(9)}  ${ms(j.latencyMs)}${j.errorCode ? `  ${j.errorCode}` : ''}`,
    );
  }
  io.out('');
  io.out(`Effective ${s.effectiveCreditsPerSecond ?? '—'} credits/s (card ${s.cardCreditsPerSecond ?? '—'}) over ${s.seconds} s of output, ${s.credits} credits`);
  io.out(`p95 latency ${ms(s.p95LatencyMs)} · p95 queue ${ms(s.p95QueueMs)} · failure rate ${pct(s.failureRate)} (${s.failures} failed, ${s.refused} refused)`);
  for (const f of r.findings) io.out(`- ${f}`);
  io.out('');
  io.out(`Report: ${r.file}`);
  io.out(`Proposed changes to plan ${r.plan} (${r.proposal.targetFile}):`);
  for (const c of r.proposal.changes) io.out(`  ${c.path}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)} (${c.why})`);
  io.out('');
  io.out(r.proposal.diff.trimEnd());
  io.out('');
  io.out(r.appliedAt ? `Applied ${r.appliedAt}.` : `Apply it with: circletake benchmark --apply ${r.id}`);
}

export const benchmarkCommand: Command = {
  name: 'benchmark',
  summary: 'the quarterly 10-job benchmark: effective credits/s, p95 latency, failure rate; proposes plan-config changes (--apply ID)',
  usage: [
    'circletake benchmark [--provider local|runway] [--plan NAME] [--model M] [--yes] [--json] [--data-dir D]',
    '       circletake benchmark --list [--json]',
    '       circletake benchmark --apply ID [--json]',
  ].join('\n'),
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      ...dataDirOption,
      provider: { type: 'string' },
      plan: { type: 'string' },
      model: { type: 'string' },
      yes: { type: 'boolean' },
      json: { type: 'boolean' },
      list: { type: 'boolean' },
      apply: { type: 'string' },
    });
    if (values.list && values.apply) throw new UsageError('benchmark: pick one of --list or --apply ID');
    const provider = values.provider ?? 'local';
    if (!ProviderId.safeParse(provider).success || provider === 'import') throw new UsageError(`--provider must be local or runway (got "${provider}")`);
    let core: Core | undefined;
    try {
      core = await openCore(values);
      if (values.list) {
        const runs = await call(core, 'benchmark.list', {});
        if (values.json) io.out(JSON.stringify(runs, null, 2));
        else if (runs.length === 0) io.out('no benchmarks yet: run `circletake benchmark`');
        else for (const r of runs) io.out(`${r.id}  ${r.day}  ${r.provider}/${r.model}  plan ${r.plan}  ${r.summary.effectiveCreditsPerSecond ?? '—'} credits/s  ${r.appliedAt ? `applied ${r.appliedAt}` : 'not applied'}  ${r.file}`);
        return 0;
      }
      if (values.apply) {
        const done = await call(core, 'benchmark.apply', { id: values.apply });
        if (values.json) io.out(JSON.stringify(done, null, 2));
        else io.out(`Plan ${done.plan} is now version ${done.version}, checked ${done.checkedAt}: ${done.file}`);
        return 0;
      }
      const input = { provider: provider as 'local' | 'runway', isConfirmed: values.yes === true, ...(values.plan ? { plan: values.plan } : {}), ...(values.model ? { model: values.model } : {}) };
      await core.queue.start();
      if (!values.json) {
        const p = await call(core, 'benchmark.plan', input);
        io.err(`circletake: benchmarking ${provider}/${p.model}: ${p.jobs} jobs, about ${p.estimated} credits${p.isSimulation ? ' (simulated)' : ''}…`);
      }
      const report = await call(core, 'benchmark.run', input);
      if (values.json) io.out(JSON.stringify(report, null, 2));
      else printBenchmark(report, io);
      return 0;
    } catch (e) {
      return reportError(e, io, values.json === true);
    } finally {
      await core?.dispose();
    }
  },
};
