import type { creditsCalls } from '../../../shared/contract/credits';
import type { Core } from '../createCore';
import type { Handlers } from '../dispatch';

/** The money calls' handlers: thin calls into core.money, core.ledger and core.plans. Spread into handlers.ts. */
export function createMoneyHandlers(core: Pick<Core, 'money' | 'ledger' | 'plans' | 'providerSync' | 'projects'>): Pick<Handlers, keyof typeof creditsCalls> {
  return {
    'plans.list': () => core.money.view(),
    'plans.active': () => core.plans.active(),
    'plans.activate': ({ name, rates }) => core.money.activate(name, rates ?? null),
    'plans.reload': () => core.money.reload(),
    'credits.estimate': (req) => core.money.estimate(req),
    // The caller's own limits apply to its quote, as they will to its submit (jobs.submit's userId).
    'credits.quote': ({ params, projectId }, ctx) => core.money.quote(params, projectId ?? null, ctx.memberId ?? ctx.author ?? null),
    'credits.balances': async ({ fresh }) => {
      // Runway first (at most once a minute unless asked): a conclusive reading is mirrored before the books are read.
      const provider = (await core.providerSync?.refresh('manual', fresh ? 0 : undefined)) ?? null;
      return { ...(await core.ledger.balances()), provider };
    },
    'credits.provider': async () => ({ comparison: (await core.providerSync?.comparison()) ?? null, usage: (await core.providerSync?.usageCheck()) ?? null }),
    'credits.syncProvider': async () => {
      const comparison = (await core.providerSync?.refresh('manual', 0)) ?? null;
      return { comparison, usage: (await core.providerSync?.reconcileUsage()) ?? null };
    },
    'credits.history': (filter) => core.ledger.history(filter),
    'credits.reservations': async ({ jobId, pendingOnly }) => {
      const all = jobId ? await core.ledger.reservationsForJob(jobId) : await core.ledger.pendingReservations();
      return pendingOnly ? all.filter((r) => r.state === 'pending') : all;
    },
    'credits.grant': (req) => core.ledger.grant(req),
    'credits.purchase': (req) => core.ledger.purchase(req),
    'credits.adjust': (req) => core.ledger.adjust(req),
    'credits.setBudget': async ({ projectId, credits }) => {
      await core.projects.get(projectId); // NOT_FOUND for a project that does not exist: no budget for nothing
      return core.ledger.setProjectBudget(projectId, credits);
    },
    'credits.audit': async () => ({ ...(await core.ledger.audit()), usage: (await core.providerSync?.reconcileUsage()) ?? null }),
  };
}
