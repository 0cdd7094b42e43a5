import type { Balances, HistoryEntry } from '../../../shared/money/ledgerTypes';
import type { ProviderComparison, UsageCheck } from '../../../shared/money/providerBooks';
import type { Core } from '../../core/createCore';
import type { CliIo, Command } from '../cliSupport';
import { call, dataDirOption, openCore, parseFlags, parseIntFlag, reportError, UsageError } from '../cliSupport';

/**
 * circletake ledger balance [--json]
 * circletake ledger history [--json] [--pool P] [--surface S] [--project ID] [--user U] [--job ID]
 *                           [--stage S] [--class preview|release] [--kind K] [--day YYYY-MM-DD] [--limit N]
 * circletake ledger grant --pool POOL --credits N [--reason R] [--id ID] [--json]
 * circletake ledger purchase --surface S --credits N [--reason R] [--id ID] [--json]
 * circletake ledger adjust --pool POOL --credits ±N --reason R [--id ID] [--json]
 * circletake ledger audit [--json]
 * Writes take an idempotency --id (a fresh one by default): run the same command with the same --id
 * again and nothing changes.
 */
const SUBS = ['balance', 'history', 'grant', 'purchase', 'adjust', 'audit'] as const;

function printBalances(b: Balances, io: CliIo): void {
  if (b.pools.length === 0) io.out('no pools yet');
  for (const p of b.pools) {
    io.out(`${p.pool.padEnd(20)} ${String(p.available).padStart(9)} available  ${String(p.posted).padStart(9)} posted  ${String(p.reserved).padStart(7)} reserved${p.resetsAt ? `  resets ${p.resetsAt}` : ''}`);
  }
}

function printProvider(c: ProviderComparison | null, io: CliIo): void {
  if (!c) return;
  const signed = (n: number) => `${n > 0 ? '+' : ''}${n}`;
  const drift = c.drift === 0 ? 'no drift' : `drift ${signed(c.drift)}${c.mirrored !== 0 ? ` (${signed(c.mirrored)} mirrored)` : ''}`;
  io.out(`runway (${c.pool}): provider ${c.providerCredits}  books ${c.booksCredits}${c.heldAtProvider ? ` (+${c.heldAtProvider} held at Runway for tasks in flight)` : ''}  ${drift}  compared ${c.comparedAt} (read ${c.readAt}, ${c.why})`);
  io.out(`  ${c.explanation}`);
}

function printUsage(u: UsageCheck | null | undefined, io: CliIo): void {
  if (!u) return;
  if (u.error) return io.out(`runway usage ${u.startDate}..${u.beforeDate}: not checked (${u.error})`);
  if (u.mismatches.length === 0) return io.out(`runway usage ${u.startDate}..${u.beforeDate}: ${u.compared} day × model figures match the books`);
  io.out(`runway usage ${u.startDate}..${u.beforeDate}: ${u.mismatches.length} of ${u.compared} day × model figures differ from the books`);
  for (const m of u.mismatches) io.out(`  USAGE MISMATCH ${m.date} ${m.model}: runway ${m.providerCredits}, books ${m.booksCredits} — ${m.explanation}`);
}

function printHistory(h: HistoryEntry[], io: CliIo): void {
  if (h.length === 0) io.out('no entries');
  for (const e of h) {
    const sign = e.credits > 0 ? '+' : '';
    const what = [e.jobId && `job ${e.jobId}`, e.projectId && `project ${e.projectId}`, e.stage, e.artifactClass, e.reason].filter(Boolean).join(' · ');
    io.out(`${e.createdAt}  ${e.kind.padEnd(9)} ${e.pool.padEnd(18)} ${`${sign}${e.credits}`.padStart(8)}${e.isPending ? ' (held)' : '       '}  ${what}`);
  }
}

function creditsFlag(value: string | undefined): number {
  if (value === undefined) throw new UsageError('--credits is required (a whole number of credits)');
  const n = Number(value);
  if (value.trim() === '' || Number.isNaN(n)) throw new UsageError(`--credits must be a whole number of credits (got "${value}")`);
  return n;
}

export const ledgerCommand: Command = {
  name: 'ledger',
  summary: 'credit balances per pool, history, grants, purchases, adjustments and the books audit',
  usage: [
    'circletake ledger balance [--json] [--data-dir D]',
    '       circletake ledger history [--json] [--pool P] [--surface S] [--project ID] [--user U] [--job ID] [--stage S] [--class C] [--kind K] [--day D] [--limit N]',
    '       circletake ledger grant --pool POOL --credits N [--reason R] [--id ID] [--json]',
    '       circletake ledger purchase --surface S --credits N [--reason R] [--id ID] [--json]',
    '       circletake ledger adjust --pool POOL --credits ±N --reason R [--id ID] [--json]',
    '       circletake ledger audit [--json]',
  ].join('\n'),
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      {
        ...dataDirOption,
        json: { type: 'boolean' },
        pool: { type: 'string' },
        surface: { type: 'string' },
        project: { type: 'string' },
        user: { type: 'string' },
        job: { type: 'string' },
        stage: { type: 'string' },
        class: { type: 'string' },
        kind: { type: 'string' },
        day: { type: 'string' },
        limit: { type: 'string' },
        credits: { type: 'string' },
        reason: { type: 'string' },
        id: { type: 'string' },
      },
      true,
    );
    const [sub, ...extra] = positionals;
    if (!sub || !(SUBS as readonly string[]).includes(sub)) throw new UsageError(`ledger: say one of ${SUBS.join(', ')}`);
    if (extra.length > 0) throw new UsageError(`ledger ${sub}: unexpected "${extra.join(' ')}"`);
    let core: Core | undefined;
    try {
      core = await openCore(values);
      const id = values.id ?? core.ports.ids.newId(`cli-${sub}`);
      const reason = values.reason === undefined ? {} : { reason: values.reason };
      switch (sub as (typeof SUBS)[number]) {
        case 'balance': {
          // A deliberate look: Runway is read now (with a key), and its figure shown beside the books'.
          const b = await call(core, 'credits.balances', { fresh: true });
          if (values.json) io.out(JSON.stringify(b, null, 2));
          else {
            printBalances(b, io);
            printProvider(b.provider ?? null, io);
          }
          return 0;
        }
        case 'history': {
          const limit = parseIntFlag(values.limit, 'limit', 1, 10_000);
          const h = await call(core, 'credits.history', {
            ...(values.pool ? { pool: values.pool } : {}),
            ...(values.surface ? { surface: values.surface } : {}),
            ...(values.project ? { projectId: values.project } : {}),
            ...(values.user ? { userId: values.user } : {}),
            ...(values.job ? { jobId: values.job } : {}),
            ...(values.stage ? { stage: values.stage } : {}),
            ...(values.class ? { artifactClass: values.class } : {}),
            ...(values.kind ? { kind: values.kind } : {}),
            ...(values.day ? { day: values.day } : {}),
            ...(limit ? { limit } : {}),
          });
          if (values.json) io.out(JSON.stringify(h, null, 2));
          else printHistory(h, io);
          return 0;
        }
        case 'grant':
        case 'purchase':
        case 'adjust': {
          const credits = creditsFlag(values.credits);
          const b =
            sub === 'grant'
              ? await call(core, 'credits.grant', { id, pool: values.pool, credits, ...reason })
              : sub === 'purchase'
                ? await call(core, 'credits.purchase', { id, surface: values.surface, credits, ...reason })
                : await call(core, 'credits.adjust', { id, pool: values.pool, credits, reason: values.reason ?? '' });
          if (values.json) io.out(JSON.stringify({ id, balances: b }, null, 2));
          else {
            io.out(`${sub} ${id} recorded`);
            printBalances(b, io);
          }
          return 0;
        }
        case 'audit': {
          const a = await call(core, 'credits.audit', {});
          if (values.json) io.out(JSON.stringify(a, null, 2));
          else {
            io.out(a.ok ? `books balance: posted ${a.totals.debitsPosted}, pending ${a.totals.debitsPending}` : `AUDIT FAILED:\n${a.problems.join('\n')}`);
            printUsage(a.usage, io);
          }
          return a.ok ? 0 : 1;
        }
      }
    } catch (e) {
      return reportError(e, io, values.json === true);
    } finally {
      await core?.dispose();
    }
  },
};
