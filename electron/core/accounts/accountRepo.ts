import type { MemberRole } from '../../../shared/contract';
import type { Queryable } from '../db/engine/sqlEngine';

export interface MemberRow {
  id: string;
  name: string;
  role: MemberRole;
  created_by: string;
  created_at: number;
  disabled_at: number | null;
}

export interface InviteRow {
  id: string;
  name: string;
  role: MemberRole;
  created_by: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  member_id: string | null;
}

export interface TokenRow {
  id: string;
  member_id: string;
  member_name: string;
  label: string;
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** A presented token's row with what authentication needs of its member. */
export interface TokenAuthRow extends TokenRow {
  role: MemberRole;
  disabled_at: number | null;
}

export type AccountEventKind = 'invited' | 'joined' | 'roleChanged' | 'tokenRevoked' | 'disabled' | 'enabled' | 'call' | 'limitChanged';

export interface AccountEventRow {
  id: string;
  at: number;
  actor_id: string | null;
  kind: AccountEventKind;
  subject: string | null;
  detail: string;
}

export interface MoneyOpRow {
  id: string;
  kind: string;
  job_id: string | null;
  created_at: string;
  member_id: string;
  credits: number;
}

const MEMBER = 'SELECT id, name, role, created_by, created_at, disabled_at FROM members';
const TOKEN = `SELECT t.id, t.member_id, m.name AS member_name, t.label, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
  FROM member_tokens t JOIN members m ON m.id = t.member_id`;
const CREDITS = '(SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e WHERE e.op_id = o.id) AS credits';

/** SQL of members, member_invites, member_tokens and account_events (migration 0890), on either engine. */
export const accountRepo = {
  async insertMember(q: Queryable, m: MemberRow): Promise<void> {
    await q.run('INSERT INTO members (id, name, role, created_by, created_at, disabled_at) VALUES (?, ?, ?, ?, ?, ?)', [m.id, m.name, m.role, m.created_by, m.created_at, m.disabled_at]);
  },

  async member(q: Queryable, id: string, lock = ''): Promise<MemberRow | null> {
    return (await q.get<MemberRow>(`${MEMBER} WHERE id = ?${lock}`, [id])) ?? null;
  },

  members(q: Queryable): Promise<MemberRow[]> {
    return q.all<MemberRow>(`${MEMBER} ORDER BY created_at, id`);
  },

  async setRole(q: Queryable, id: string, role: MemberRole): Promise<void> {
    await q.run('UPDATE members SET role = ? WHERE id = ?', [role, id]);
  },

  async setDisabled(q: Queryable, id: string, at: number | null): Promise<void> {
    await q.run('UPDATE members SET disabled_at = ? WHERE id = ?', [at, id]);
  },

  async insertInvite(q: Queryable, i: Omit<InviteRow, 'accepted_at' | 'member_id'>, digest: string): Promise<void> {
    await q.run('INSERT INTO member_invites (id, secret_sha256, name, role, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      i.id, digest, i.name, i.role, i.created_by, i.created_at, i.expires_at,
    ]);
  },

  async inviteByDigest(q: Queryable, digest: string): Promise<InviteRow | null> {
    const r = await q.get<InviteRow>(`SELECT id, name, role, created_by, created_at, expires_at, accepted_at, member_id FROM member_invites WHERE secret_sha256 = ?${q.forUpdate}`, [digest]);
    return r ?? null;
  },

  /** Marks the invite used by `memberId`; false when it was already used (the once guard). */
  async acceptInvite(q: Queryable, id: string, memberId: string, now: number): Promise<boolean> {
    return (await q.run('UPDATE member_invites SET accepted_at = ?, member_id = ? WHERE id = ? AND accepted_at IS NULL', [now, memberId, id])).changes === 1;
  },

  async insertToken(q: Queryable, t: { id: string; member_id: string; label: string; created_at: number; expires_at: number }, digest: string): Promise<void> {
    await q.run('INSERT INTO member_tokens (id, member_id, token_sha256, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)', [
      t.id, t.member_id, digest, t.label, t.created_at, t.expires_at,
    ]);
  },

  async tokenByDigest(q: Queryable, digest: string): Promise<TokenAuthRow | null> {
    const r = await q.get<TokenAuthRow>(
      `SELECT t.id, t.member_id, m.name AS member_name, t.label, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, m.role, m.disabled_at
       FROM member_tokens t JOIN members m ON m.id = t.member_id WHERE t.token_sha256 = ?`,
      [digest],
    );
    return r ?? null;
  },

  /** Notes a use, at most once per `staleBefore` window (one write a minute per token, not one per call). */
  async touchToken(q: Queryable, id: string, now: number, staleBefore: number): Promise<void> {
    await q.run('UPDATE member_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)', [now, id, staleBefore]);
  },

  async token(q: Queryable, id: string): Promise<TokenRow | null> {
    return (await q.get<TokenRow>(`${TOKEN} WHERE t.id = ?`, [id])) ?? null;
  },

  tokens(q: Queryable, memberId: string | null): Promise<TokenRow[]> {
    return q.all<TokenRow>(`${TOKEN} WHERE CAST(? AS TEXT) IS NULL OR t.member_id = ? ORDER BY t.created_at DESC, t.id DESC`, [memberId, memberId]);
  },

  async revokeToken(q: Queryable, id: string, now: number, by: string): Promise<boolean> {
    return (await q.run('UPDATE member_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL', [now, by, id])).changes === 1;
  },

  async insertEvent(q: Queryable, e: AccountEventRow): Promise<void> {
    await q.run('INSERT INTO account_events (id, at, actor_id, kind, subject, detail) VALUES (?, ?, ?, ?, ?, ?)', [e.id, e.at, e.actor_id, e.kind, e.subject, e.detail]);
  },

  /** Account changes (not plain calls), by `memberId` when given, newest first. */
  accountEvents(q: Queryable, memberId: string | null, limit: number): Promise<AccountEventRow[]> {
    return q.all<AccountEventRow>(
      `SELECT id, at, actor_id, kind, subject, detail FROM account_events
       WHERE kind <> 'call' AND (CAST(? AS TEXT) IS NULL OR actor_id = ?) ORDER BY at DESC, id DESC LIMIT ?`,
      [memberId, memberId, limit],
    );
  },

  /**
   * Ledger ops by member, newest first: the ops of jobs a member submitted (`user_id`), and the ops a
   * member's own money call made (a grant, a purchase: the call's request id is the op's id).
   */
  moneyOps(q: Queryable, memberId: string | null, limit: number): Promise<MoneyOpRow[]> {
    return q.all<MoneyOpRow>(
      `SELECT u.id, u.kind, u.job_id, u.created_at, u.member_id, u.credits FROM (
         SELECT o.id AS id, o.kind AS kind, o.job_id AS job_id, o.created_at AS created_at, o.user_id AS member_id, ${CREDITS}
           FROM ledger_ops o JOIN members m ON m.id = o.user_id
          WHERE CAST(? AS TEXT) IS NULL OR o.user_id = ?
         UNION ALL
         SELECT o.id AS id, o.kind AS kind, o.job_id AS job_id, o.created_at AS created_at, a.actor_id AS member_id, ${CREDITS}
           FROM account_events a JOIN ledger_ops o ON o.id = a.subject
          WHERE a.kind = 'call' AND a.actor_id IS NOT NULL AND (CAST(? AS TEXT) IS NULL OR a.actor_id = ?)
       ) u ORDER BY u.created_at DESC, u.id DESC LIMIT ?`,
      [memberId, memberId, memberId, memberId, limit],
    );
  },

  /** The member who submitted the job (null: the owner's, or no such job). */
  async jobOwner(q: Queryable, jobId: string): Promise<string | null> {
    // The job's own record first; its first reservation's member for a job known to the books only.
    const r = await q.get<{ owner: string | null }>(
      "SELECT COALESCE((SELECT submitted_by FROM jobs WHERE id = ?), (SELECT user_id FROM ledger_ops WHERE job_id = ? AND kind = 'reserve' ORDER BY created_at, id LIMIT 1)) AS owner",
      [jobId, jobId],
    );
    return r?.owner ?? null;
  },
};
