import type Database from 'better-sqlite3';

export const version = 820;
export const name = 'allow-provider-sync';

const KINDS_BEFORE = "kind IN ('grant', 'allowance', 'purchase', 'adjust', 'reserve', 'capture', 'void', 'debit', 'refund', 'expire')";
const KINDS_AFTER = "kind IN ('grant', 'allowance', 'purchase', 'adjust', 'reserve', 'capture', 'void', 'debit', 'refund', 'expire', 'provider_sync')";

/**
 * Ledger ops may be `provider_sync`: the books mirroring the provider's balance (Runway's creditBalance)
 * by an explicit entry, never by editing history. Only the CHECK on ledger_ops.kind changes — it grows
 * by one value, so every stored row still satisfies it. ledger_ops cannot be rebuilt (entries reference
 * it and both are append-only), so this uses SQLite's documented procedure for a change that leaves
 * the stored content as it is: rewrite the table's CREATE text in sqlite_schema, bump schema_version.
 */
export function up(db: Database.Database): void {
  const row = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'ledger_ops'").get();
  if (!row) throw new Error('migration 0820: ledger_ops is missing');
  if (row.sql.includes(KINDS_AFTER)) return;
  if (!row.sql.includes(KINDS_BEFORE)) throw new Error('migration 0820: ledger_ops.kind has an unexpected CHECK; refusing to rewrite it');
  const schemaVersion = db.pragma('schema_version', { simple: true }) as number;
  db.unsafeMode(true);
  try {
    db.pragma('writable_schema = ON');
    db.prepare("UPDATE sqlite_schema SET sql = @sql WHERE type = 'table' AND name = 'ledger_ops'").run({ sql: row.sql.replace(KINDS_BEFORE, KINDS_AFTER) });
    db.pragma(`schema_version = ${schemaVersion + 1}`);
    db.pragma('writable_schema = OFF');
  } finally {
    db.unsafeMode(false);
  }
}
