/**
 * Tables only a studio has (names start with `studio_`; the schema parity test leaves them out).
 * studio_imports: each desktop moved in (`circletake studio import`), keyed by the id of its ledger's
 * first operation, so a repeat is a no-op.
 */
export const sql = `
CREATE TABLE studio_imports (
  source_id    TEXT PRIMARY KEY,
  with_ledger  BIGINT NOT NULL CHECK (with_ledger IN (0, 1)),
  tables_json  TEXT NOT NULL CHECK (tables_json::jsonb IS NOT NULL),
  imported_at  BIGINT NOT NULL
);
`;
