import type { LimitsView, WebhookDelivery } from '../../../shared/money/limits';
import { MAX_CREDITS_PER_OP } from '../../../shared/money/pools';
import type { Core } from '../../core/createCore';
import type { CliIo, Command } from '../cliSupport';
import { call, dataDirOption, openCore, parseFlags, parseIntFlag, reportError, UsageError } from '../cliSupport';

/**
 * circletake credits limits [--json]                                       members' and projects' limits, spend, notices, webhook
 * circletake credits limit --user U [--monthly N|none] [--daily N|none] [--json]
 * circletake credits limit --project P --daily N|none [--json]
 * circletake credits notify [--user U] --at N,N…|none|default [--json]   notice thresholds (a member's, else the studio default)
 * circletake credits notify --webhook URL [--secret S] | --webhook none   where every notice is POSTed, signed with the secret
 * circletake credits deliveries [--limit N] [--json]                      the webhook's sends: delivered or failed, attempts
 * `none` clears a limit; a flag left out keeps what is set.
 */
const SUBS = ['limits', 'limit', 'notify', 'deliveries'] as const;
const n = (x: number | null) => (x === null ? '—' : x.toLocaleString('en-US'));

/** A limit flag: a whole number of credits, `none` (clears it: null), or left out (undefined: kept). */
function limitFlag(value: string | undefined, flag: string): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  return parseIntFlag(value, flag, 1, MAX_CREDITS_PER_OP) ?? null;
}

function thresholdsFlag(value: string): number[] | null {
  if (value === 'default') return null;
  if (value === 'none') return [];
  return value.split(',').map((s) => parseIntFlag(s.trim(), 'at', 1, MAX_CREDITS_PER_OP)!);
}

function printLimits(v: LimitsView, io: CliIo): void {
  io.out(`members (month resets ${v.monthResetsAt}, day ${v.dayResetsAt}):`);
  if (v.members.length === 0) io.out('  none');
  for (const m of v.members) {
    const notices = m.notifyAt === null ? 'default notices' : m.notifyAt.length === 0 ? 'no notices' : `notices at ${m.notifyAt.map(n).join(', ')}`;
    io.out(`  ${(m.name ?? m.userId).padEnd(20)} monthly ${n(m.spentMonth)} / ${n(m.monthly)}  daily ${n(m.spentToday)} / ${n(m.daily)}  ${notices}  (${m.userId})`);
  }
  io.out('projects:');
  if (v.projects.length === 0) io.out('  none');
  for (const p of v.projects) io.out(`  ${(p.name ?? p.projectId).padEnd(20)} budget ${n(p.spentAll)} / ${n(p.budget)}  daily ${n(p.spentToday)} / ${n(p.daily)}  (${p.projectId})`);
  const at = v.notify.defaultAt ?? v.notify.planAt;
  io.out(`spend notices: ${at.length ? at.map(n).join(', ') : 'none'} credits a month${v.notify.defaultAt === null ? " (the plan's)" : ' (studio default)'}`);
  io.out(`webhook: ${v.notify.webhook ? `${v.notify.webhook.url} (${v.notify.webhook.hasSecret ? 'signed' : 'no secret'})` : 'none'}`);
}

function printDeliveries(list: WebhookDelivery[], io: CliIo): void {
  if (list.length === 0) io.out('no webhook deliveries');
  for (const d of list) {
    io.out(`${d.createdAt}  ${d.state.padEnd(9)} ${String(d.attempts).padStart(2)} attempt(s)  ${d.userId} ${d.period} past ${n(d.threshold)} (${n(d.spent)})  ${d.target}${d.lastError ? `  ${d.lastError}` : ''}`);
  }
}

export const creditsCommand: Command = {
  name: 'credits',
  summary: "limits an admin sets (members' monthly budgets and daily caps, projects' daily caps) and spend notices",
  usage: [
    'circletake credits limits [--json] [--data-dir D | --database-url URL]',
    '       circletake credits limit --user U [--monthly N|none] [--daily N|none] [--json]',
    '       circletake credits limit --project P --daily N|none [--json]',
    '       circletake credits notify [--user U] --at N,N…|none|default [--json]',
    '       circletake credits notify --webhook URL [--secret S] | --webhook none [--json]',
    '       circletake credits deliveries [--limit N] [--json]',
  ].join('\n'),
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      {
        ...dataDirOption,
        json: { type: 'boolean' },
        user: { type: 'string' },
        project: { type: 'string' },
        monthly: { type: 'string' },
        daily: { type: 'string' },
        at: { type: 'string' },
        webhook: { type: 'string' },
        secret: { type: 'string' },
        limit: { type: 'string' },
      },
      true,
    );
    const [sub, ...extra] = positionals;
    if (!sub || !(SUBS as readonly string[]).includes(sub)) throw new UsageError(`credits: say one of ${SUBS.join(', ')}`);
    if (extra.length > 0) throw new UsageError(`credits ${sub}: unexpected "${extra.join(' ')}"`);
    // Flags are checked before the core opens: a usage error changes nothing.
    const monthly = limitFlag(values.monthly, 'monthly');
    const daily = limitFlag(values.daily, 'daily');
    const at = values.at === undefined ? undefined : thresholdsFlag(values.at);
    const limit = parseIntFlag(values.limit, 'limit', 1, 500);
    if (sub === 'limit') {
      if ((values.user === undefined) === (values.project === undefined)) throw new UsageError('credits limit: give --user U or --project P (one of them)');
      if (values.project !== undefined && (monthly !== undefined || daily === undefined)) throw new UsageError('credits limit --project: give --daily N|none (a project\'s all-time budget is set in the app or with `call credits.setBudget`)');
      if (values.user !== undefined && monthly === undefined && daily === undefined) throw new UsageError('credits limit --user: give --monthly N|none and/or --daily N|none');
    }
    if (sub === 'notify') {
      if (at === undefined && values.webhook === undefined) throw new UsageError('credits notify: give --at N,N…|none|default or --webhook URL|none');
      if (values.webhook === undefined && values.secret !== undefined) throw new UsageError('credits notify: --secret goes with --webhook URL');
      if (values.user !== undefined && at === undefined) throw new UsageError('credits notify --user: give --at N,N…|none|default');
    }
    let core: Core | undefined;
    try {
      core = await openCore(values);
      let view: LimitsView;
      switch (sub as (typeof SUBS)[number]) {
        case 'limits':
          view = await call(core, 'credits.limits', {});
          break;
        case 'limit':
          view = values.project !== undefined
            ? await call(core, 'credits.setProjectDailyCap', { projectId: values.project, daily: daily ?? null })
            : await call(core, 'credits.setUserLimits', { userId: values.user, ...(monthly !== undefined ? { monthly } : {}), ...(daily !== undefined ? { daily } : {}) });
          break;
        case 'notify': {
          const webhook = values.webhook === undefined ? {} : { webhook: values.webhook === 'none' ? null : { url: values.webhook, ...(values.secret !== undefined ? { secret: values.secret } : {}) } };
          view = await call(core, 'credits.setNotifySettings', { ...(values.user !== undefined ? { userId: values.user } : {}), ...(at !== undefined ? { notifyAt: at } : {}), ...webhook });
          break;
        }
        case 'deliveries': {
          const list = await call(core, 'credits.webhookDeliveries', limit ? { limit } : {});
          if (values.json) io.out(JSON.stringify(list, null, 2));
          else printDeliveries(list, io);
          return 0;
        }
      }
      if (values.json) io.out(JSON.stringify(view, null, 2));
      else printLimits(view, io);
      return 0;
    } catch (e) {
      return reportError(e, io, values.json === true);
    } finally {
      await core?.dispose();
    }
  },
};
