import { databaseUrlFrom, UsageError } from '../cliSupport';

/** The studio database a studio command works on: `--database-url`, else CIRCLETAKE_DATABASE_URL; required. */
export function databaseUrlOf(flag: string | undefined): string {
  const url = databaseUrlFrom(flag);
  if (!url) throw new UsageError('--database-url is required (or set CIRCLETAKE_DATABASE_URL): the studio\'s PostgreSQL, postgres://user:password@host:5432/database');
  return url;
}
