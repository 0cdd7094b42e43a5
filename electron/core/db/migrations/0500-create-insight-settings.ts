import type Database from 'better-sqlite3';

export const version = 500;
export const name = 'create-insight-settings';

/**
 * Insight's settings and the estimator's calibration:
 * - insight_settings: key/value JSON (working hours, samples a learned rate needs, the minimum release spec);
 * - insight_calibration: per provider and model, whether the learned rate is switched on and the rates
 *   frozen when it was (applied_json), so an estimate never changes without the user saying so.
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE insight_settings (
      key    TEXT PRIMARY KEY,
      value  TEXT NOT NULL CHECK (json_valid(value))
    ) STRICT;

    CREATE TABLE insight_calibration (
      provider      TEXT NOT NULL CHECK (provider IN ('local', 'runway', 'import')),
      model         TEXT NOT NULL CHECK (length(model) BETWEEN 1 AND 200),
      is_enabled    INTEGER NOT NULL CHECK (is_enabled IN (0, 1)),
      applied_json  TEXT CHECK (applied_json IS NULL OR json_valid(applied_json)),
      updated_at    INTEGER NOT NULL,
      PRIMARY KEY (provider, model),
      CHECK (is_enabled = 0 OR applied_json IS NOT NULL)
    ) STRICT;
  `);
}
