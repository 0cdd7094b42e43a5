import type { Core } from '../../core/createCore';
import type { AuthAnswer } from '../server';

/**
 * `authenticate` for a studio: the studio's admin token (the owner), then a member's token from the
 * studio database (core.accounts: any process sees the same tokens and revocations). A token neither
 * knows is refused with its reason — unknown (another studio's, mistyped), expired, revoked, disabled —
 * which the host answers as 401 naming it.
 */
export function studioAuthenticate(core: Pick<Core, 'accounts'>, admin: (token: string) => Promise<AuthAnswer>): (token: string) => Promise<AuthAnswer> {
  return async (token) => {
    const asAdmin = await admin(token);
    if (asAdmin) return asAdmin;
    const who = await core.accounts.authenticate(token);
    if ('reason' in who) return { reason: who.message };
    return { role: who.role, label: who.name, memberId: who.memberId };
  };
}
