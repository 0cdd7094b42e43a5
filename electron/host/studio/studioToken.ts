import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthAnswer } from '../server';

/**
 * The studio's admin token (its owner's, beside the members' own tokens, ./memberAuth.ts): CIRCLETAKE_STUDIO_TOKEN, the same on every studio
 * process (so a member's token works whichever process the load balancer picks), else one made for this
 * launch (one process only). It authenticates as the owner; members get per-user tokens from invites.
 */
export function studioAdminToken(env: NodeJS.ProcessEnv = process.env): { token: string; isShared: boolean } {
  const fromEnv = env.CIRCLETAKE_STUDIO_TOKEN;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!/^[A-Za-z0-9._~-]{32,200}$/.test(fromEnv)) throw new Error('CIRCLETAKE_STUDIO_TOKEN must be 32 to 200 letters, digits or ._~- (e.g. `openssl rand -hex 32`)');
    return { token: fromEnv, isShared: true };
  }
  return { token: randomBytes(32).toString('hex'), isShared: false };
}

/** `authenticate` for the host: the admin token is the owner, from any address; anything else is unknown. */
export function adminAuthenticate(token: string): (presented: string) => Promise<AuthAnswer> {
  const want = digest(token);
  return async (presented) => (timingSafeEqual(digest(presented), want) ? { role: 'owner', label: 'studio admin' } : null);
}

const digest = (t: string) => createHash('sha256').update(t).digest();
