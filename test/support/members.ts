import type { MemberRole } from '../../shared/contract';
import type { Core } from '../../electron/core/createCore';
import type { CallContext } from '../../electron/core/dispatch';

/** A contract call through the core's dispatcher; its value, or the refusal thrown with its code. */
export async function callAs<T>(core: Pick<Core, 'dispatch'>, name: string, input: unknown, ctx: CallContext): Promise<T> {
  const r = await core.dispatch(name, input, ctx);
  if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

/** A studio member: invited by the owner, accepted with no session; the context a door builds from the token. */
export async function joinAs(core: Pick<Core, 'dispatch' | 'accounts'>, role: MemberRole, name: string): Promise<CallContext & { token: string }> {
  const owner: CallContext = { role: 'owner', door: 'cli' };
  const { secret } = await callAs<{ secret: string }>(core, 'studio.invite', { role, name }, owner);
  const { token } = await callAs<{ token: string }>(core, 'studio.acceptInvite', { secret }, { role: 'guest', door: 'host' });
  const who = await core.accounts.authenticate(token);
  if ('reason' in who) throw new Error(who.message);
  return { role: who.role, door: 'host', memberId: who.memberId, author: who.name, token };
}
