import { sql as board } from './schemaBoard';
import { sql as insight } from './schemaInsight';
import { sql as money } from './schemaMoney';
import { sql as queue } from './schemaQueue';
import { sql as studio } from './schemaStudio';

/**
 * The studio's PostgreSQL schema at version 820: the same tables, keys, CHECKs and partial indexes as
 * the SQLite schema after migration 0820, translated once: BIGINT for integers (credits, times in ms),
 * DOUBLE PRECISION for REAL, BYTEA for BLOB, regular expressions for GLOB, JSON validity by a cast, and
 * identity columns for SQLite's rowids. The ledger is append-only in the database itself: a trigger
 * refuses UPDATE, DELETE and TRUNCATE on ledger_ops and ledger_entries, as SQLite's triggers do.
 * Later SQLite migrations carry their PostgreSQL script beside them (Migration.pg). Tables only a
 * studio has start with `studio_` (schemaStudio.ts).
 */

export const version = 820;
export const name = 'baseline';
export const sql = [money, queue, board, insight, studio].join('\n');
