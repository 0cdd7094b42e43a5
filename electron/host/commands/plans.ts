import type { PlansView } from '../../../shared/contract/credits';
import type { Core } from '../../core/createCore';
import { formatProblem } from '../../core/money/configFile';
import type { CliIo, Command } from '../cliSupport';
import { call, dataDirOption, openCore, parseFlags, reportError, UsageError } from '../cliSupport';

/**
 * circletake plans list [--json]              the active plan and its checked_at (warned when stale), every
 *                                            plan and rate card, and config files rejected (file:line: field)
 * circletake plans use NAME [--rates NAME]    make a plan (and optionally a rate card) the active one
 */
function printView(v: PlansView, io: CliIo): void {
  io.out(`active plan  ${v.active.plan} (checked ${v.active.checkedAt}${v.active.isStale ? ', STALE' : ''}) · rate card ${v.active.rateCard} · pays from ${v.active.surface}`);
  io.out('');
  io.out('plans:');
  for (const p of v.plans) io.out(`  ${p.isActive ? '*' : ' '} ${p.name.padEnd(28)} v${p.version}  checked ${p.checkedAt}  ${p.surface.padEnd(4)} ${p.source === 'user' ? '(yours)' : ''}`);
  io.out('rate cards:');
  for (const c of v.rateCards) io.out(`  ${c.isActive ? '*' : ' '} ${c.name.padEnd(28)} v${c.version}  checked ${c.checkedAt}  ${c.models.length} models ${c.source === 'user' ? '(yours)' : ''}`);
  for (const w of v.warnings) io.out(`warning: ${w.message}`);
  for (const p of v.problems) io.out(`rejected: ${formatProblem(p)}${p.since ? '' : ' (the last good version stays in force)'}`);
}

export const plansCommand: Command = {
  name: 'plans',
  summary: 'list plan configs and rate cards (the active one, checked_at, stale warnings, rejected files); use NAME to switch',
  usage: 'circletake plans list [--json] [--data-dir D]\n       circletake plans use NAME [--rates NAME] [--json] [--data-dir D]',
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { ...dataDirOption, json: { type: 'boolean' }, rates: { type: 'string' } }, true);
    const [sub = 'list', name, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`plans: unexpected "${extra.join(' ')}"`);
    if (sub !== 'list' && sub !== 'use') throw new UsageError(`plans: unknown subcommand "${sub}"; use list or use NAME`);
    if (sub === 'use' && !name) throw new UsageError('plans use needs a plan name (see `circletake plans list`)');
    let core: Core | undefined;
    try {
      core = await openCore(values);
      const view = sub === 'use' ? await call(core, 'plans.activate', { name: name!, rates: values.rates ?? null }) : await call(core, 'plans.list', {});
      if (values.json) io.out(JSON.stringify(view, null, 2));
      else printView(view, io);
      return 0;
    } catch (e) {
      return reportError(e, io, values.json === true);
    } finally {
      await core?.dispose();
    }
  },
};
