import { AppError } from '../../../shared/errors';
import type { Core } from '../createCore';
import type { CallContext, Handlers } from '../dispatch';

type StudioCalls = 'studio.invite' | 'studio.acceptInvite' | 'studio.members' | 'studio.tokens' | 'studio.revokeToken' | 'studio.setRole' | 'studio.setDisabled' | 'studio.audit';

/** An admin changes other members' roles and access; their own needs another admin (so nobody locks the studio out by accident). */
function notSelf(memberId: string, ctx: CallContext): void {
  if (ctx.memberId === memberId) {
    throw new AppError('FORBIDDEN', 'You cannot change your own role or access: ask another admin (or the studio\'s owner, with `circletake studio` on the server).', { field: 'memberId' });
  }
}

/** The studio.* contract entries: thin calls into Accounts, each change under the caller's member id (null: the owner). */
export function accountHandlers(core: Pick<Core, 'accounts'>): Pick<Handlers, StudioCalls> {
  const a = core.accounts;
  const by = (ctx: CallContext) => ctx.memberId ?? null;
  return {
    'studio.invite': (req, ctx) => a.invite(req, by(ctx)),
    'studio.acceptInvite': ({ secret, label }) => a.accept(secret, label),
    'studio.members': () => a.members(),
    'studio.tokens': ({ memberId }) => a.tokens(memberId),
    'studio.revokeToken': ({ id }, ctx) => a.revokeToken(id, by(ctx)),
    'studio.setRole': ({ memberId, role }, ctx) => {
      notSelf(memberId, ctx);
      return a.setRole(memberId, role, by(ctx));
    },
    'studio.setDisabled': ({ memberId, disabled }, ctx) => {
      notSelf(memberId, ctx);
      return a.setDisabled(memberId, disabled, by(ctx));
    },
    'studio.audit': (opts) => a.audit(opts),
  };
}
