import { isAppError, type AppError } from '../../../shared/errors';
import type { Core } from '../../core/createCore';
import type { Command } from '../cliSupport';
import { call, dataDirOption, openCore, parseFlags, UsageError, warnBrokenConfigs } from '../cliSupport';

/**
 * CLI CONTRACT (other tools depend on it — fixed):
 *   circletake estimate --json '<params>' [--against '<params>'] [--plan NAME] [--rates NAME] [--data-dir D]
 * Prints one JSON object: {credits, usd, pools, factors:[{name,from,to,multiplier}], violations:[{rule,limit,value}]}
 * plus, with --against, "multiplier" and "warning" (and factors are then the ones that changed, from the
 * --against value to this one). Added: surface, provider, model, plan, rateCard; with --against also
 * againstCredits and breakdown (this estimate's own factors). Exit 0 on success; exit 2 with a one-line
 * message on bad params (an unknown model lists the known ones, a refused duration or ratio lists the
 * accepted values, a retired model names its successor).
 */
function parseParams(raw: string | undefined, flag: string): unknown {
  if (raw === undefined) throw new UsageError(`--${flag} is required: a JSON object like '{"model":"gen4.5","durationSec":5}'`);
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw new UsageError(`--${flag} is not valid JSON (${(e as Error).message})`);
  }
}

const FLAG_OF: Record<string, string> = { params: 'json', against: 'against', plan: 'plan', rates: 'rates' };

/** The contract's field (params.durationSec) said as the flag it came from (--json: durationSec). */
function asFlagError(e: AppError): UsageError {
  const d = e.details as { issues?: { field: string; message: string }[] } | undefined;
  const first = d?.issues?.[0];
  if (e.code !== 'VALIDATION' || !first) return new UsageError(e.message);
  const [top = '', ...rest] = first.field.split('.');
  const flag = FLAG_OF[top.replace(/\[.*$/, '')];
  if (!flag) return new UsageError(e.message);
  return new UsageError(`--${flag}: ${rest.length === 0 ? '(input)' : rest.join('.')}: ${first.message}`);
}

export const estimateCommand: Command = {
  name: 'estimate',
  summary: 'price a generation under a plan and rate card (credits per pool, USD, factors, plan-cap violations)',
  usage: "circletake estimate --json '<params>' [--against '<params>'] [--plan NAME] [--rates NAME] [--data-dir D]",
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      ...dataDirOption,
      json: { type: 'string' },
      against: { type: 'string' },
      plan: { type: 'string' },
      rates: { type: 'string' },
    });
    const params = parseParams(values.json, 'json');
    const against = values.against === undefined ? undefined : parseParams(values.against, 'against');
    let core: Core | undefined;
    try {
      core = await openCore(values);
      await warnBrokenConfigs(core, io);
      const r = await call(core, 'credits.estimate', { params, ...(against ? { against } : {}), ...(values.plan ? { plan: values.plan } : {}), ...(values.rates ? { rates: values.rates } : {}) });
      const e = r.estimate;
      const out: Record<string, unknown> = {
        credits: e.credits,
        usd: e.usd,
        pools: e.pools,
        factors: r.comparison ? r.comparison.factors : e.factors,
        violations: e.violations,
        surface: e.surface,
        provider: e.provider,
        model: e.model,
        plan: e.plan,
        rateCard: e.rateCard,
      };
      if (r.comparison) {
        out.multiplier = r.comparison.multiplier;
        out.warning = r.comparison.warning;
        out.againstCredits = r.against!.credits;
        out.breakdown = e.factors;
      }
      if (r.brokenConfigs.length > 0) out.brokenConfigs = r.brokenConfigs;
      io.out(JSON.stringify(out));
      return 0;
    } catch (e) {
      // Bad params (and an unknown --plan/--rates) are usage errors: one line, exit 2.
      if (isAppError(e) && (e.code === 'VALIDATION' || e.code === 'NOT_FOUND')) throw e.details?.issues ? asFlagError(e) : new UsageError(e.message);
      throw e;
    } finally {
      await core?.dispose();
    }
  },
};
