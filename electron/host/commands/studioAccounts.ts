import type { CallOutput } from '../../../shared/contract';
import { MemberRole } from '../../../shared/contract';
import { call, openCore, parseFlags, parseIntFlag, reportError, UsageError, type CliIo } from '../cliSupport';
import { databaseUrlOf } from './studioUrl';

export const ACCOUNTS_USAGE = [
  'circletake studio invite --role admin|filmmaker|producer|reviewer --name NAME [--expires DAYS] [--database-url postgres://…] [--json]',
  'circletake studio members [--database-url postgres://…] [--json]',
  'circletake studio revoke <tokenId> [--database-url postgres://…] [--json]',
].join('\n       ');

const FLAGS = { 'database-url': { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean' } } as const;
const day = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().slice(0, 10));

/** Opens the studio's core (its PostgreSQL: --database-url or CIRCLETAKE_DATABASE_URL), runs fn as the owner, disposes it. */
async function onStudio(values: { 'database-url'?: string | undefined; 'data-dir'?: string | undefined }, fn: (core: Awaited<ReturnType<typeof openCore>>) => Promise<void>): Promise<void> {
  const core = await openCore({ 'data-dir': values['data-dir'], 'database-url': databaseUrlOf(values['database-url']) });
  try {
    await fn(core);
  } finally {
    await core.dispose();
  }
}

/**
 * circletake studio invite|members|revoke: a studio's accounts from the server's own machine (the owner's
 * door: every call goes through core.dispatch as the owner). An invite's secret is printed once; with
 * CIRCLETAKE_STUDIO_URL set, also the link that carries it (in the fragment, never sent to a server log).
 */
export async function runStudioAccounts(sub: 'invite' | 'members' | 'revoke', argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    if (sub === 'invite') {
      const { values } = parseFlags(argv, { ...FLAGS, role: { type: 'string' }, name: { type: 'string' }, expires: { type: 'string' } });
      const role = MemberRole.safeParse(values.role);
      if (!role.success) throw new UsageError(`--role must be one of ${MemberRole.options.join(', ')} (got "${values.role ?? ''}")`);
      if (!values.name?.trim()) throw new UsageError('--name is required: who the invite is for (1 to 60 characters; their tags and comments carry it)');
      const expiresInDays = parseIntFlag(values.expires, 'expires', 1, 90) ?? 7;
      await onStudio(values, async (core) => {
        const made = await call(core, 'studio.invite', { role: role.data, name: values.name!, expiresInDays });
        printInvite(io, made, json);
      });
      return 0;
    }
    if (sub === 'members') {
      const { values } = parseFlags(argv, FLAGS);
      await onStudio(values, async (core) => {
        const members = await call(core, 'studio.members', {});
        const tokens = await call(core, 'studio.tokens', {});
        const rows = members.map((m) => ({ ...m, tokens: tokens.filter((t) => t.memberId === m.id) }));
        if (json) return io.out(JSON.stringify({ ok: true, members: rows }));
        if (rows.length === 0) return io.out('No members yet: `circletake studio invite --role filmmaker --name NAME` makes the first invite.');
        for (const m of rows) {
          io.out(`${m.name} (${m.role}${m.disabled ? ', disabled' : ''})  ${m.id}  since ${day(m.createdAt)}`);
          for (const t of m.tokens) io.out(`  ${t.id}  ${t.state.padEnd(7)}  ${t.label}  created ${day(t.createdAt)}  last used ${day(t.lastUsedAt)}  expires ${day(t.expiresAt)}`);
        }
      });
      return 0;
    }
    const { values, positionals } = parseFlags(argv, FLAGS, true);
    if (positionals.length !== 1) throw new UsageError(`name one token id to revoke (\`circletake studio members\` lists them). Usage: circletake studio revoke <tokenId> [--json]`);
    await onStudio(values, async (core) => {
      const t = await call(core, 'studio.revokeToken', { id: positionals[0]! });
      if (json) io.out(JSON.stringify({ ok: true, token: t }));
      else io.out(`Revoked ${t.memberName}'s token ${t.id} (${t.label}): its calls are refused (401, revoked) and its open sockets close, on every studio process.`);
    });
    return 0;
  } catch (e) {
    return reportError(e, io, json);
  }
}

function printInvite(io: CliIo, made: CallOutput<'studio.invite'>, json: boolean): void {
  const base = process.env.CIRCLETAKE_STUDIO_URL;
  const link = base ? `${base.replace(/\/?$/, '/')}#invite=${made.secret}` : null;
  if (json) return io.out(JSON.stringify({ ok: true, invite: made.invite, secret: made.secret, link }));
  io.out(`Invite ${made.invite.id} for ${made.invite.name} (${made.invite.role}), once, until ${day(made.invite.expiresAt)}.`);
  io.out(link ? `Link: ${link}` : `Secret: ${made.secret}`);
  io.out(`${made.note}${link ? '' : ' Set CIRCLETAKE_STUDIO_URL to print it as a link.'} They accept it with studio.acceptInvite (no token needed), which answers their own token.`);
}
