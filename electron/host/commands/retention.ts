import type { RetentionPlanDto } from '../../../shared/contract/media';
import type { CliIo, Command } from '../cliSupport';
import { call, dataDirOption, openCore, parseFlags, reportError } from '../cliSupport';

/**
 * circletake retention [--dry-run] [--json] [--data-dir D]
 * Shows (--dry-run) or removes the preview and release binaries past the plan's retention days that no
 * take protects (shortlisted, awaiting finalize, published). Params and metadata always stay.
 */
function printPlan(p: RetentionPlanDto, dryRun: boolean, io: CliIo): void {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  io.out(`retention: previews ${p.previewDays} days, releases ${p.releaseDays} days`);
  if (p.goes.length === 0) io.out(dryRun ? 'nothing would go' : 'nothing went');
  for (const i of p.goes) io.out(`  ${dryRun ? 'would go' : 'gone    '}  ${i.artifactId}  ${i.class.padEnd(7)}  ${i.ageDays} days  ${mb(i.sizeBytes)}  project ${i.projectId}`);
  for (const i of p.kept) io.out(`  kept      ${i.artifactId}  ${i.class.padEnd(7)}  ${i.ageDays} days  ${i.keptBecause}`);
  io.out(`${dryRun ? 'would free' : 'freed'} ${mb(p.bytesFreed)}`);
}

export const retentionCommand: Command = {
  name: 'retention',
  summary: 'show (--dry-run) or run the retention sweep of old preview/release binaries',
  usage: 'circletake retention [--dry-run] [--json] [--data-dir D]',
  async run(argv, io) {
    const json = argv.includes('--json');
    try {
      const { values } = parseFlags(argv, { ...dataDirOption, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } });
      const dryRun = values['dry-run'] === true;
      const core = await openCore(values);
      try {
        const plan = await call(core, dryRun ? 'retention.plan' : 'retention.sweep', {});
        if (json) io.out(JSON.stringify({ dryRun, ...plan }));
        else printPlan(plan, dryRun, io);
        return 0;
      } finally {
        await core.dispose();
      }
    } catch (e) {
      return reportError(e, io, json);
    }
  },
};
