import { InsightSettings } from '../../../shared/contract/insightTypes';
import { AppError } from '../../../shared/errors';
import type { SqlEngine } from '../db/engine/sqlEngine';

/**
 * Insight's settings (table insight_settings, migration 0500), each key a JSON value with a default:
 * working hours Monday–Friday 09–18 in the machine's time zone, 5 samples before a learned rate can be
 * switched on, and the minimum release spec of docs/sources.md 003 (1080p, 10 s, mp4).
 */
export function defaultSettings(utcOffsetMinutes: number): InsightSettings {
  return {
    workingHours: { startHour: 9, endHour: 18, days: [1, 2, 3, 4, 5], utcOffsetMinutes },
    minCalibrationSamples: 5,
    minReleaseSpec: { resolution: '1080p', durationSec: 10, format: 'mp4' },
  };
}

/** The settings table, on either engine; values are JSON decoded here. */
export class InsightSettingsStore {
  constructor(
    private readonly engine: SqlEngine,
    private readonly defaults: InsightSettings,
  ) {}

  async get(): Promise<InsightSettings> {
    const stored: Record<string, unknown> = {};
    for (const r of await this.engine.all<{ key: string; value: string }>('SELECT key, value FROM insight_settings')) stored[r.key] = JSON.parse(r.value);
    const merged = InsightSettings.safeParse({ ...this.defaults, ...stored });
    // A stored value from a future version that no longer parses falls back to the defaults, whole.
    return merged.success ? merged.data : this.defaults;
  }

  async set(patch: Partial<InsightSettings>): Promise<InsightSettings> {
    const next = InsightSettings.safeParse({ ...(await this.get()), ...patch });
    if (!next.success) {
      const i = next.error.issues[0]!;
      throw new AppError('VALIDATION', `${i.path.join('.')}: ${i.message}`, { field: i.path.join('.') });
    }
    await this.engine.tx(async (q) => {
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) await q.run('INSERT INTO insight_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, JSON.stringify(value)]);
      }
    });
    return next.data;
  }
}
