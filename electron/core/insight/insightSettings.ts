import type Database from 'better-sqlite3';
import { InsightSettings } from '../../../shared/contract/insightTypes';
import { AppError } from '../../../shared/errors';

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

export class InsightSettingsStore {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly defaults: InsightSettings,
  ) {
    this.s = {
      all: db.prepare<[], { key: string; value: string }>('SELECT key, value FROM insight_settings'),
      put: db.prepare<{ key: string; value: string }>('INSERT INTO insight_settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
  }

  get(): InsightSettings {
    const stored: Record<string, unknown> = {};
    for (const r of this.s.all.all()) stored[r.key] = JSON.parse(r.value);
    const merged = InsightSettings.safeParse({ ...this.defaults, ...stored });
    // A stored value from a future version that no longer parses falls back to the defaults, whole.
    return merged.success ? merged.data : this.defaults;
  }

  set(patch: Partial<InsightSettings>): InsightSettings {
    const next = InsightSettings.safeParse({ ...this.get(), ...patch });
    if (!next.success) {
      const i = next.error.issues[0]!;
      throw new AppError('VALIDATION', `${i.path.join('.')}: ${i.message}`, { field: i.path.join('.') });
    }
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) this.s.put.run({ key, value: JSON.stringify(value) });
    return next.data;
  }
}
