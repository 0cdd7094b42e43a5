import type Database from 'better-sqlite3';
import type { CalibrationGroup } from '../../../shared/contract/insightTypes';
import type { Calibration, CalibrationLookup } from '../../../shared/money/estimate';

/**
 * The rates the user switched on (table insight_calibration, migration 0500), and the estimator's
 * lookup over them. Switching on freezes the learned rates of that moment: new attempts change what
 * the dashboard shows as learned, never what the estimator applies, until the user switches it on again.
 */
export interface AppliedCalibration {
  overall: CalibrationGroup;
  groups: CalibrationGroup[];
  /** Samples a resolution's own rate needed when it was switched on; fewer falls back to overall. */
  minSamples: number;
  since: string;
}

interface Row {
  provider: string;
  model: string;
  is_enabled: number;
  applied_json: string | null;
  updated_at: number;
}

export class CalibrationStore {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      get: db.prepare<{ provider: string; model: string }, Row>('SELECT * FROM insight_calibration WHERE provider = @provider AND model = @model'),
      all: db.prepare<[], Row>('SELECT * FROM insight_calibration ORDER BY provider, model'),
      put: db.prepare<{ provider: string; model: string; enabled: number; applied: string | null; now: number }>(
        `INSERT INTO insight_calibration (provider, model, is_enabled, applied_json, updated_at) VALUES (@provider, @model, @enabled, @applied, @now)
         ON CONFLICT (provider, model) DO UPDATE SET is_enabled = excluded.is_enabled, applied_json = excluded.applied_json, updated_at = excluded.updated_at`,
      ),
    };
  }

  applied(provider: string, model: string): AppliedCalibration | null {
    const r = this.s.get.get({ provider, model });
    return r && r.is_enabled === 1 && r.applied_json ? (JSON.parse(r.applied_json) as AppliedCalibration) : null;
  }

  enabled(): { provider: string; model: string; applied: AppliedCalibration }[] {
    return this.s.all.all().flatMap((r) => (r.is_enabled === 1 && r.applied_json ? [{ provider: r.provider, model: r.model, applied: JSON.parse(r.applied_json) as AppliedCalibration }] : []));
  }

  enable(provider: string, model: string, applied: AppliedCalibration, now: number): void {
    this.s.put.run({ provider, model, enabled: 1, applied: JSON.stringify(applied), now });
  }

  disable(provider: string, model: string, now: number): void {
    this.s.put.run({ provider, model, enabled: 0, applied: null, now });
  }

  /** The estimator's hook: the factor for this provider, model and picture, or null when switched off. */
  readonly lookup: CalibrationLookup = ({ provider, model, ratio }) => {
    const a = this.applied(provider, model);
    return a ? calibrationFor(a, ratio) : null;
  };
}

/** The resolution's own factor when it had enough samples, else every resolution's together. Pure. */
export function calibrationFor(a: AppliedCalibration, ratio: string | null): Calibration | null {
  const own = a.groups.find((g) => g.resolution === (ratio ?? 'default'));
  const g = own && own.samples >= a.minSamples && own.factor !== null ? own : a.overall;
  if (g.factor === null || !(g.factor > 0)) return null;
  const rates = g.learnedCreditsPerSecond !== null && g.cardCreditsPerSecond !== null ? `${g.learnedCreditsPerSecond}/s learned vs ${g.cardCreditsPerSecond}/s card, ` : '';
  return { multiplier: g.factor, label: `learned (${rates}n=${g.samples}${g.resolution === '*' ? '' : ` at ${g.resolution}`}, since ${a.since.slice(0, 10)})` };
}
