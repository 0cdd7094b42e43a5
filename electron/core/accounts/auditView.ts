import type { AuditEntry } from '../../../shared/contract/studio';
import type { Queryable } from '../db/engine/sqlEngine';
import { accountRepo as repo } from './accountRepo';

/**
 * The admin's audit: ledger ops by member (the jobs they submitted: reserve, capture, void…; their own
 * money calls: grant, purchase, adjust) and account changes (invites, joins, role changes, revoked
 * tokens), merged newest first. A page at `offset` reads offset + limit + 1 of each side, so the
 * newest pages (the ones an admin reads) cost least.
 */
export async function auditPage(q: Queryable, opts: { memberId?: string | undefined; limit: number; offset: number }): Promise<{ entries: AuditEntry[]; nextOffset: number | null }> {
  const want = opts.offset + opts.limit + 1;
  const who = opts.memberId ?? null;
  const [ops, changes, members] = await Promise.all([repo.moneyOps(q, who, want), repo.accountEvents(q, who, want), repo.members(q)]);
  const names = new Map(members.map((m) => [m.id, m.name]));
  const all: AuditEntry[] = [
    ...ops.map((o) => ({
      id: o.id, at: Date.parse(o.created_at), memberId: o.member_id, memberName: names.get(o.member_id) ?? null, kind: 'money' as const,
      action: o.kind, credits: o.credits, jobId: o.job_id, subject: null, detail: o.job_id ? `${o.kind} ${o.credits} for job ${o.job_id}` : `${o.kind} ${o.credits}`,
    })),
    ...changes.map((e) => ({
      id: e.id, at: e.at, memberId: e.actor_id, memberName: e.actor_id ? (names.get(e.actor_id) ?? null) : 'owner', kind: 'account' as const,
      action: e.kind, credits: null, jobId: null, subject: e.subject, detail: e.detail,
    })),
  ].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const entries = all.slice(opts.offset, opts.offset + opts.limit);
  return { entries, nextOffset: all.length > opts.offset + opts.limit ? opts.offset + opts.limit : null };
}
