import type { Core } from '../../core/createCore';
import type { AuthAnswer } from '../server';

/**
 * Another way to sign in to a studio: the seam single sign-on plugs into (an OIDC provider's verifier,
 * say). Given a bearer token the studio does not know as its own, it answers who that is — a member of
 * this studio (memberId from `core.accounts`, found by the identity's e-mail, with that member's role) —
 * or `{ reason }` when it recognises the token but refuses it (expired ID token, wrong audience), or null
 * when the token is not its kind at all, so the next provider is asked.
 */
export interface IdentityProvider {
  readonly name: string;
  identify(token: string): Promise<AuthAnswer>;
}

/**
 * `authenticate` for a studio: the studio's admin token (the owner), then a member's token from the
 * studio database (core.accounts: any process sees the same tokens and revocations), then each
 * identity provider in order for a token the studio does not know. A token none of them knows is
 * refused with its reason — unknown (another studio's, mistyped), expired, revoked, disabled — which the
 * host answers as 401 naming it.
 */
export function studioAuthenticate(
  core: Pick<Core, 'accounts'>,
  admin: (token: string) => Promise<AuthAnswer>,
  providers: readonly IdentityProvider[] = [],
): (token: string) => Promise<AuthAnswer> {
  return async (token) => {
    const asAdmin = await admin(token);
    if (asAdmin) return asAdmin;
    const who = await core.accounts.authenticate(token);
    if (!('reason' in who)) return { role: who.role, label: who.name, memberId: who.memberId };
    if (who.reason !== 'unknown') return { reason: who.message };
    for (const p of providers) {
      const answer = await p.identify(token);
      if (answer) return answer;
    }
    return { reason: who.message };
  };
}
