import type { limitsCalls } from '../../../shared/contract/limits';
import type { Core } from '../createCore';
import type { Handlers } from '../dispatch';

/** The limit and spend-notice calls: thin calls into core.limits; each write is recorded under the calling member (null: the owner). */
export function createLimitsHandlers(core: Pick<Core, 'limits' | 'projects'>): Pick<Handlers, keyof typeof limitsCalls> {
  return {
    'credits.limits': () => core.limits.view(),
    'credits.setUserLimits': (req, ctx) => core.limits.setUserLimits(req, ctx.memberId ?? null),
    'credits.setProjectDailyCap': async ({ projectId, daily }, ctx) => {
      await core.projects.get(projectId); // NOT_FOUND for a project that does not exist
      return core.limits.setProjectDailyCap(projectId, daily, ctx.memberId ?? null);
    },
    'credits.setNotifySettings': (req, ctx) => core.limits.setNotify(req, ctx.memberId ?? null),
    'credits.webhookDeliveries': ({ limit }) => core.limits.deliveries(limit ?? 100),
  };
}
