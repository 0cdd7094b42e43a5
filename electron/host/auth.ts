import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../../shared/contract';

/** 256-bit tokens, compared in constant time by their sha256 digests, revocable. */
export class TokenTable {
  private readonly byDigest = new Map<string, { role: Role; label: string }>();
  private readonly revokeListeners = new Set<(token: string) => void>();

  issue(role: Role, label: string = role): string {
    const token = randomBytes(32).toString('hex');
    this.byDigest.set(digest(token), { role, label });
    return token;
  }

  revoke(token: string): boolean {
    const had = this.byDigest.delete(digest(token));
    if (had) for (const fn of this.revokeListeners) fn(token);
    return had;
  }

  /** Called with each token as it is revoked (the host closes that token's sockets). */
  onRevoke(fn: (token: string) => void): () => void {
    this.revokeListeners.add(fn);
    return () => this.revokeListeners.delete(fn);
  }

  /** The role a presented token carries, or null. Every stored digest is compared so timing says nothing. */
  roleOf(presented: string | undefined | null): Role | null {
    return this.entryOf(presented)?.role ?? null;
  }

  /** The role and label (who it was issued to) of a presented token, or null. */
  entryOf(presented: string | undefined | null): { role: Role; label: string } | null {
    if (!presented || presented.length > 200) return null;
    const d = Buffer.from(digest(presented), 'hex');
    let found: { role: Role; label: string } | null = null;
    for (const [stored, entry] of this.byDigest) {
      if (timingSafeEqual(Buffer.from(stored, 'hex'), d)) found = entry;
    }
    return found;
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+([A-Za-z0-9._~-]+)$/.exec(header.trim());
  return m ? m[1]! : null;
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

/**
 * The session cookie's name for the host on `port`. Browsers do not scope cookies by port, so two hosts
 * on one machine (the app's and a `circletake review`) would overwrite one `ct_session`: each gets its own.
 */
export const sessionCookie = (port: number): string => `ct_session_${port}`;
