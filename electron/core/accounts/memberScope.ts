import { contract, isCallName } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { Dispatcher, Handlers } from '../dispatch';
import type { Logger } from '../ports';
import type { Accounts } from './accounts';

/**
 * What a member may do beyond the access table: a filmmaker cancels and retries only the jobs it
 * submitted (the job's reservation names the member). Applied once, around the handler table.
 */
export function scopeByMember(handlers: Handlers, accounts: Pick<Accounts, 'jobOwner'>): Handlers {
  const scoped: Handlers = { ...handlers };
  const own = async (jobId: string, verb: string, memberId: string | undefined, role: string) => {
    if (role !== 'filmmaker') return;
    const owner = await accounts.jobOwner(jobId);
    if (owner !== memberId) {
      throw new AppError('FORBIDDEN', `Job ${jobId} is not yours: a filmmaker ${verb} only the jobs it submitted; ask an admin.`, { field: 'id', id: jobId });
    }
  };
  const cancel = handlers['jobs.cancel'];
  scoped['jobs.cancel'] = async (input, ctx) => {
    await own(input.id, 'cancels', ctx.memberId, ctx.role);
    return cancel(input, ctx);
  };
  const retry = handlers['jobs.retry'];
  scoped['jobs.retry'] = async (input, ctx) => {
    await own(input.id, 'retries', ctx.memberId, ctx.role);
    return retry(input, ctx);
  };
  return scoped;
}

/**
 * Every change a member makes is recorded under their member id (account_events, kind 'call': the
 * call's name and its request id — for a money call that is its ledger op's id, so the audit shows the
 * grant or purchase by member). studio.* calls record themselves. Nothing of the input is kept beyond the id.
 */
export function recordMemberChanges(dispatch: Dispatcher, accounts: Pick<Accounts, 'recordCall'>, logger: Logger): Dispatcher {
  return async (name, rawInput, ctx) => {
    const r = await dispatch(name, rawInput, ctx);
    if (!r.ok || !ctx.memberId || !isCallName(name) || contract[name].isQuery || name.startsWith('studio.')) return r;
    const id = (rawInput as { id?: unknown } | null)?.id;
    await accounts.recordCall(ctx.memberId, name, typeof id === 'string' ? id : null).catch((e: unknown) => {
      logger.log('error', 'a member\'s change could not be recorded', { call: name, memberId: ctx.memberId, error: String(e) });
    });
    return r;
  };
}
