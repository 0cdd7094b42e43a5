import type { LinkRole, ReviewLink } from '../../../shared/contract/review';
import type { Queryable } from '../db/engine/sqlEngine';

interface Row {
  id: string;
  role: LinkRole;
  name: string;
  created_at: number;
}

const toLink = (r: Row): ReviewLink => ({ id: r.id, role: r.role, name: r.name, createdAt: r.created_at });

/** SQL of review_links (migration 0710), on either engine: each method runs on `q`. */
export const reviewLinkRepo = {
  async insert(q: Queryable, link: ReviewLink, digest: string): Promise<void> {
    await q.run('INSERT INTO review_links (id, token_sha256, role, name, created_at) VALUES (?, ?, ?, ?, ?)', [link.id, digest, link.role, link.name, link.createdAt]);
  },

  async live(q: Queryable): Promise<ReviewLink[]> {
    const rows = await q.all<Row>('SELECT id, role, name, created_at FROM review_links WHERE revoked_at IS NULL ORDER BY created_at DESC, id DESC');
    return rows.map(toLink);
  },

  async get(q: Queryable, id: string): Promise<(ReviewLink & { isRevoked: boolean }) | null> {
    const r = await q.get<Row & { revoked_at: number | null }>('SELECT id, role, name, created_at, revoked_at FROM review_links WHERE id = ?', [id]);
    return r ? { ...toLink(r), isRevoked: r.revoked_at !== null } : null;
  },

  async liveByDigest(q: Queryable, digest: string): Promise<ReviewLink | null> {
    const r = await q.get<Row>('SELECT id, role, name, created_at FROM review_links WHERE token_sha256 = ? AND revoked_at IS NULL', [digest]);
    return r ? toLink(r) : null;
  },

  async revoke(q: Queryable, id: string, now: number): Promise<boolean> {
    return (await q.run('UPDATE review_links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, id])).changes === 1;
  },
};
