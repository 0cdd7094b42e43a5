import type RunwayML from '@runwayml/sdk';
import { ProviderCallError, type AccountInfo, type TaskState } from '../provider';

type Task = RunwayML.TaskRetrieveResponse;
type Org = RunwayML.OrganizationRetrieveResponse;

const credits = (c: { credits?: unknown } | undefined): number | null => (typeof c?.credits === 'number' && Number.isFinite(c.credits) ? c.credits : null);

/**
 * Runway's task object as the queue's TaskState. THROTTLED and PENDING are waiting, not errors;
 * terminal states carry the final cost (0 = refunded).
 */
export function toTaskState(t: Task): TaskState {
  const status = (t as { status?: unknown }).status;
  switch (t.status) {
    case 'PENDING':
    case 'THROTTLED':
      return { status: t.status };
    case 'RUNNING':
      return { status: 'RUNNING', progress: typeof t.progress === 'number' ? Math.min(1, Math.max(0, t.progress)) : 0 };
    case 'SUCCEEDED':
      return { status: 'SUCCEEDED', outputs: Array.isArray(t.output) ? t.output.filter((o) => typeof o === 'string') : [], costCredits: credits(t.cost) };
    case 'FAILED':
      return { status: 'FAILED', failure: typeof t.failure === 'string' ? t.failure : undefined, failureCode: t.failureCode ?? undefined, costCredits: credits(t.cost) };
    case 'CANCELLED':
      return { status: 'CANCELLED', costCredits: credits(t.cost) };
    default:
      // A status this build does not know (or the misspelt CANCELED): retry the read later rather than guess.
      throw new ProviderCallError(`Runway reported a task status this version does not know: ${JSON.stringify(status)}.`, { verdict: 'retry', isProviderFault: true, details: { status } });
  }
}

/** GET /v1/organization as AccountInfo: balance and, per model, tier limits with today's usage. */
export function toAccountInfo(org: Org): AccountInfo {
  const limits: AccountInfo['limits'] = {};
  const tier = org.tier?.models ?? {};
  const used = org.usage?.models ?? {};
  for (const model of new Set([...Object.keys(tier), ...Object.keys(used)])) {
    const t = tier[model];
    const u = used[model];
    limits[model] = {
      maxConcurrent: typeof t?.maxConcurrentGenerations === 'number' ? t.maxConcurrentGenerations : null,
      maxDaily: typeof t?.maxDailyGenerations === 'number' ? t.maxDailyGenerations : null,
      usedToday: typeof u?.dailyGenerations === 'number' ? u.dailyGenerations : null,
    };
  }
  return { creditBalance: typeof org.creditBalance === 'number' ? org.creditBalance : null, limits };
}
