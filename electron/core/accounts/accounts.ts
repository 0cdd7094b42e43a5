import { createHash, randomBytes } from 'node:crypto';
import type { MemberRole } from '../../../shared/contract';
import type { AuditEntry, Invite, Member, TokenInfo } from '../../../shared/contract/studio';
import { AppError } from '../../../shared/errors';
import type { CoreEvents } from '../coreEvents';
import type { SqlEngine } from '../db/engine/sqlEngine';
import type { Clock, Ids } from '../ports';
import { accountRepo as repo, type AccountEventKind, type MemberRow, type TokenRow } from './accountRepo';
import { auditPage } from './auditView';

const DAY = 86_400_000;
/** How long a member's token lives from the invite's acceptance. */
export const TOKEN_DAYS = 90;
/** last_used_at is written at most once per this window. */
const TOUCH_MS = 60_000;

export const secretDigest = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const newSecret = (prefix: 'cti' | 'ctm') => `${prefix}_${randomBytes(32).toString('hex')}`;
const TOKEN_SHAPE = /^ctm_[0-9a-f]{64}$/;

/** Who a token belongs to, for the door that presented it. */
export interface Authenticated {
  memberId: string;
  name: string;
  role: MemberRole;
  tokenId: string;
}

export type AuthReason = 'unknown' | 'expired' | 'revoked' | 'disabled';
export interface AuthRefusal {
  reason: AuthReason;
  /** One line for the 401, naming the reason and the way out. */
  message: string;
}

/** Who makes an account change: a member's id, or the studio's owner (its own machine: the CLI, the app). */
export type Actor = string | null;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const toMember = (r: MemberRow): Member => ({ id: r.id, name: r.name, role: r.role, createdBy: r.created_by, createdAt: r.created_at, disabled: r.disabled_at !== null });
const toToken = (r: TokenRow, now: number): TokenInfo => ({
  id: r.id, memberId: r.member_id, memberName: r.member_name, label: r.label, createdAt: r.created_at, lastUsedAt: r.last_used_at,
  expiresAt: r.expires_at, revokedAt: r.revoked_at, state: r.revoked_at !== null ? 'revoked' : r.expires_at <= now ? 'expired' : 'live',
});

/**
 * A studio's accounts: invites (a one-time secret that becomes a member and a per-user token), tokens
 * (sha-256 only; expiring, revocable, listed per member), roles, and who changed what. Each change is
 * announced as studio.changed once committed, so every studio process hears it (and closes a revoked
 * token's sockets).
 */
export class Accounts {
  constructor(
    private readonly engine: SqlEngine,
    private readonly events: CoreEvents,
    private readonly clock: Clock,
    private readonly ids: Ids,
  ) {}

  async invite(req: { role: MemberRole; name: string; expiresInDays: number }, by: Actor): Promise<{ invite: Invite; secret: string; note: string }> {
    const now = this.clock.now();
    const secret = newSecret('cti');
    const invite: Invite = { id: this.ids.newId('inv'), name: req.name.trim(), role: req.role, createdBy: by ?? 'owner', createdAt: now, expiresAt: now + req.expiresInDays * DAY };
    await this.engine.tx(async (q) => {
      await repo.insertInvite(q, { id: invite.id, name: invite.name, role: invite.role, created_by: invite.createdBy, created_at: now, expires_at: invite.expiresAt }, secretDigest(secret));
      await this.record(q, by, 'invited', invite.id, `${invite.name} invited as ${invite.role}`);
    });
    this.events.emit('studio.changed', { kind: 'invited', memberId: null, tokenId: null });
    const note = `An invite for ${invite.name} (${invite.role}), usable once until ${day(invite.expiresAt)}. The secret is shown only now: send it to ${invite.name} privately.`;
    return { invite, secret, note };
  }

  /** The invite's member and their first token (shown once). An unknown, expired or used invite is refused, naming which. */
  async accept(secret: string, label = 'invite'): Promise<{ member: Member; token: string; tokenId: string; expiresAt: number }> {
    const now = this.clock.now();
    const token = newSecret('ctm');
    const memberId = this.ids.newId('mem');
    const tokenId = this.ids.newId('tok');
    const expiresAt = now + TOKEN_DAYS * DAY;
    const member = await this.engine.tx(async (q) => {
      const inv = await repo.inviteByDigest(q, secretDigest(secret));
      if (!inv) throw new AppError('UNAUTHORIZED', 'This invite is not known to this studio (mistyped, or from another studio): ask an admin for a new one.', { reason: 'unknown' });
      if (inv.accepted_at !== null) throw new AppError('CONFLICT', `This invite was already accepted on ${day(inv.accepted_at)}; an invite works once. Ask an admin for a new one.`, { reason: 'accepted', field: 'secret' });
      if (inv.expires_at <= now) throw new AppError('UNAUTHORIZED', `This invite expired on ${day(inv.expires_at)}: ask an admin for a new one.`, { reason: 'expired' });
      const row: MemberRow = { id: memberId, name: inv.name, role: inv.role, created_by: inv.created_by, created_at: now, disabled_at: null };
      await repo.insertMember(q, row);
      if (!(await repo.acceptInvite(q, inv.id, memberId, now))) throw new AppError('CONFLICT', 'This invite was already accepted; an invite works once.', { reason: 'accepted', field: 'secret' });
      await repo.insertToken(q, { id: tokenId, member_id: memberId, label, created_at: now, expires_at: expiresAt }, secretDigest(token));
      await this.record(q, memberId, 'joined', memberId, `${inv.name} accepted invite ${inv.id} as ${inv.role}`);
      return toMember(row);
    });
    this.events.emit('studio.changed', { kind: 'joined', memberId, tokenId });
    return { member, token, tokenId, expiresAt };
  }

  /** Who a presented token is, or why not (unknown, expired, revoked, disabled). Notes the use at most once a minute. */
  async authenticate(token: string | null | undefined): Promise<Authenticated | AuthRefusal> {
    if (!token || !TOKEN_SHAPE.test(token)) return { reason: 'unknown', message: 'unknown token: it is not a studio member\'s token; sign in with the invite link your admin sent you.' };
    const row = await repo.tokenByDigest(this.engine, secretDigest(token));
    const now = this.clock.now();
    if (!row) return { reason: 'unknown', message: 'unknown token: this studio has no such token (one from another studio, or mistyped); ask an admin for an invite.' };
    if (row.revoked_at !== null) return { reason: 'revoked', message: `revoked token: it was revoked on ${day(row.revoked_at)}; ask an admin for a new invite.` };
    if (row.expires_at <= now) return { reason: 'expired', message: `expired token: it expired on ${day(row.expires_at)}; ask an admin for a new invite.` };
    if (row.disabled_at !== null) return { reason: 'disabled', message: `disabled member: ${row.member_name}'s account is disabled; ask an admin.` };
    if (row.last_used_at === null || row.last_used_at < now - TOUCH_MS) await repo.touchToken(this.engine, row.id, now, now - TOUCH_MS);
    return { memberId: row.member_id, name: row.member_name, role: row.role, tokenId: row.id };
  }

  async members(): Promise<Member[]> {
    return (await repo.members(this.engine)).map(toMember);
  }

  async tokens(memberId?: string): Promise<TokenInfo[]> {
    const now = this.clock.now();
    return (await repo.tokens(this.engine, memberId ?? null)).map((r) => toToken(r, now));
  }

  async revokeToken(id: string, by: Actor): Promise<TokenInfo> {
    const now = this.clock.now();
    const { row, revoked } = await this.engine.tx(async (q) => {
      const found = await repo.token(q, id);
      if (!found) throw new AppError('NOT_FOUND', `No token with id ${id}. \`circletake studio members\` lists members; studio.tokens lists their tokens.`, { field: 'id', id });
      const done = await repo.revokeToken(q, id, now, by ?? 'owner');
      if (done) await this.record(q, by, 'tokenRevoked', id, `${found.member_name}'s token ${found.label} revoked`);
      return { row: done ? { ...found, revoked_at: now } : found, revoked: done };
    });
    if (revoked) this.events.emit('studio.changed', { kind: 'tokenRevoked', memberId: row.member_id, tokenId: id });
    return toToken(row, now);
  }

  async setRole(memberId: string, role: MemberRole, by: Actor): Promise<Member> {
    const { member, changed } = await this.engine.tx(async (q) => {
      const found = await this.memberIn(q, memberId);
      if (found.role === role) return { member: found, changed: false };
      await repo.setRole(q, memberId, role);
      await this.record(q, by, 'roleChanged', memberId, `${found.name}: ${found.role} → ${role}`);
      return { member: { ...found, role }, changed: true };
    });
    if (changed) this.events.emit('studio.changed', { kind: 'roleChanged', memberId, tokenId: null });
    return toMember(member);
  }

  async setDisabled(memberId: string, disabled: boolean, by: Actor): Promise<Member> {
    const now = this.clock.now();
    const { member, changed } = await this.engine.tx(async (q) => {
      const found = await this.memberIn(q, memberId);
      if ((found.disabled_at !== null) === disabled) return { member: found, changed: false };
      await repo.setDisabled(q, memberId, disabled ? now : null);
      await this.record(q, by, disabled ? 'disabled' : 'enabled', memberId, `${found.name} ${disabled ? 'disabled' : 'enabled'}`);
      return { member: { ...found, disabled_at: disabled ? now : null }, changed: true };
    });
    if (changed) this.events.emit('studio.changed', { kind: disabled ? 'disabled' : 'enabled', memberId, tokenId: null });
    return toMember(member);
  }

  /** Money moves and account changes by member, newest first. */
  audit(opts: { memberId?: string | undefined; limit: number; offset: number }): Promise<{ entries: AuditEntry[]; nextOffset: number | null }> {
    return auditPage(this.engine, opts);
  }

  /** Notes a change a member made through any other call (by name; a money call's request id, which is its ledger op's). */
  async recordCall(memberId: string, call: string, requestId: string | null): Promise<void> {
    await this.engine.tx((q) => this.record(q, memberId, 'call', requestId, call));
  }

  /** The member who submitted a job (its reservation's user), or null. */
  jobOwner(jobId: string): Promise<string | null> {
    return repo.jobOwner(this.engine, jobId);
  }

  private async memberIn(q: Parameters<typeof repo.member>[0], id: string): Promise<MemberRow> {
    const found = await repo.member(q, id, q.forUpdate);
    if (!found) throw new AppError('NOT_FOUND', `No member with id ${id}. \`circletake studio members\` lists them.`, { field: 'memberId', id });
    return found;
  }

  private record(q: Parameters<typeof repo.insertEvent>[0], actor: Actor, kind: AccountEventKind, subject: string | null, detail: string): Promise<void> {
    return repo.insertEvent(q, { id: this.ids.newId('aev'), at: this.clock.now(), actor_id: actor, kind, subject, detail });
  }
}
