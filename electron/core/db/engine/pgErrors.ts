import { AppError } from '../../../../shared/errors';

/** SQLSTATEs after which the whole transaction may simply run again: nothing of it was kept. */
const RETRYABLE = new Set(['40001', '40P01']);

/** The server or the network ended the session: the open transaction is gone, the connection too. */
const LOST_SQLSTATE = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);
const LOST_ERRNO = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

const codeOf = (e: unknown): string | undefined => {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
};

export function isRetryable(e: unknown): boolean {
  const c = codeOf(e);
  return c !== undefined && RETRYABLE.has(c);
}

export function isLostConnection(e: unknown): boolean {
  const c = codeOf(e);
  if (c !== undefined && (LOST_SQLSTATE.has(c) || LOST_ERRNO.has(c))) return true;
  const m = (e as Error | null)?.message ?? '';
  return /Connection terminated|connection error|not queryable|Client was closed/i.test(m);
}

/** host:port/database from a connection URL, never the user's password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname || '/'}`;
  } catch {
    return '(an unreadable database URL)';
  }
}

/**
 * What a caller is told when PostgreSQL could not do the work. Constraint failures pass through
 * unchanged (repositories turn them into their own answers with constraintOf); the rest become one
 * sentence with the way out.
 */
export function pgAnswer(e: unknown, where: string, attempts = 0): unknown {
  if (e instanceof AppError) return e;
  const c = codeOf(e);
  if (c !== undefined && RETRYABLE.has(c)) {
    return new AppError(
      'DB_UNAVAILABLE',
      `${where} kept refusing this transaction as conflicting with others (${c === '40P01' ? 'deadlock' : 'serialization failure'}) after ${attempts + 1} tries; nothing was saved. Try again.`,
      { where, reason: c === '40P01' ? 'deadlock' : 'serialization', attempts: attempts + 1 },
      { cause: e },
    );
  }
  if (c === '57014') {
    return new AppError(
      'DB_UNAVAILABLE',
      `${where} did not finish a statement within the statement timeout; it was cancelled and nothing of it was saved. Try again, or raise the timeout if the studio is under heavy load.`,
      { where, reason: 'timeout' },
      { cause: e },
    );
  }
  if (c === '28P01' || c === '28000') {
    return new AppError('DB_UNAVAILABLE', `${where} refused the login. Check the user and password in the database URL.`, { where, reason: 'auth' }, { cause: e });
  }
  if (c === '3D000') {
    return new AppError('DB_UNAVAILABLE', `The database ${where} does not exist. Create it, or fix the name in the database URL.`, { where, reason: 'no-database' }, { cause: e });
  }
  if (isLostConnection(e)) {
    return new AppError(
      'DB_UNAVAILABLE',
      `Cannot reach PostgreSQL at ${where} (${c ?? (e as Error).message}). Start the server or check CIRCLETAKE_DATABASE_URL; nothing was saved.`,
      { where, reason: 'unreachable' },
      { cause: e },
    );
  }
  return e;
}
