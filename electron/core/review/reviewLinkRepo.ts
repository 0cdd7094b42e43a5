import type Database from 'better-sqlite3';
import type { LinkRole, ReviewLink } from '../../../shared/contract/review';

interface Row {
  id: string;
  role: LinkRole;
  name: string;
  created_at: number;
}

const toLink = (r: Row): ReviewLink => ({ id: r.id, role: r.role, name: r.name, createdAt: r.created_at });

/** SQL of review_links (migration 0710). */
export class ReviewLinkRepo {
  private readonly s;

  constructor(conn: Database.Database) {
    this.s = {
      insert: conn.prepare<{ id: string; digest: string; role: LinkRole; name: string; now: number }>(
        'INSERT INTO review_links (id, token_sha256, role, name, created_at) VALUES (@id, @digest, @role, @name, @now)',
      ),
      live: conn.prepare<[], Row>('SELECT id, role, name, created_at FROM review_links WHERE revoked_at IS NULL ORDER BY created_at DESC, id DESC'),
      get: conn.prepare<{ id: string }, Row & { revoked_at: number | null }>('SELECT id, role, name, created_at, revoked_at FROM review_links WHERE id = @id'),
      byDigest: conn.prepare<{ digest: string }, Row>('SELECT id, role, name, created_at FROM review_links WHERE token_sha256 = @digest AND revoked_at IS NULL'),
      revoke: conn.prepare<{ id: string; now: number }>('UPDATE review_links SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL'),
    };
  }

  insert(link: ReviewLink, digest: string): void {
    this.s.insert.run({ id: link.id, digest, role: link.role, name: link.name, now: link.createdAt });
  }

  live(): ReviewLink[] {
    return this.s.live.all().map(toLink);
  }

  get(id: string): (ReviewLink & { isRevoked: boolean }) | null {
    const r = this.s.get.get({ id });
    return r ? { ...toLink(r), isRevoked: r.revoked_at !== null } : null;
  }

  liveByDigest(digest: string): ReviewLink | null {
    const r = this.s.byDigest.get({ digest });
    return r ? toLink(r) : null;
  }

  revoke(id: string, now: number): boolean {
    return this.s.revoke.run({ id, now }).changes === 1;
  }
}
