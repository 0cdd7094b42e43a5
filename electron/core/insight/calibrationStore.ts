import type { CalibrationGroup } from '../../../shared/contract/insightTypes';
import type { Calibration, CalibrationLookup } from '../../../shared/money/estimate';
import type { SqlEngine } from '../db/engine/sqlEngine';
import type { Clock } from '../ports';

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

type Enabled = { provider: string; model: string; applied: AppliedCalibration };

const key = (provider: string, model: string) => `${provider}\u0000${model}`;

/** How old the estimator's snapshot may grow before a lookup refreshes it (in the background). */
export const CALIBRATION_REFRESH_MS = 1000;

/**
 * The table on either engine. The estimator's hook is synchronous (it runs per keystroke inside
 * estimate()), so it answers from a snapshot of the switched-on rates: read when the store opens,
 * replaced after every switch made here, and read again in the background when a lookup finds it
 * older than CALIBRATION_REFRESH_MS (a switch made by another process shows within that).
 */
export class CalibrationStore {
  private snapshot = new Map<string, AppliedCalibration>();
  private readAt = -Infinity;
  private reading: Promise<void> | null = null;
  /** Settles when the first snapshot has been read. */
  readonly ready: Promise<void>;

  constructor(
    private readonly engine: SqlEngine,
    private readonly clock: Clock,
  ) {
    this.ready = this.refresh();
  }

  async applied(provider: string, model: string): Promise<AppliedCalibration | null> {
    const r = await this.engine.get<Row>('SELECT provider, model, is_enabled, applied_json, updated_at FROM insight_calibration WHERE provider = ? AND model = ?', [provider, model]);
    return r && r.is_enabled === 1 && r.applied_json ? (JSON.parse(r.applied_json) as AppliedCalibration) : null;
  }

  async enabled(): Promise<Enabled[]> {
    const rows = await this.engine.all<Row>('SELECT provider, model, is_enabled, applied_json, updated_at FROM insight_calibration WHERE is_enabled = 1 ORDER BY provider, model');
    return rows.flatMap((r) => (r.applied_json ? [{ provider: r.provider, model: r.model, applied: JSON.parse(r.applied_json) as AppliedCalibration }] : []));
  }

  async enable(provider: string, model: string, applied: AppliedCalibration, now: number): Promise<void> {
    await this.put(provider, model, 1, JSON.stringify(applied), now);
  }

  async disable(provider: string, model: string, now: number): Promise<void> {
    await this.put(provider, model, 0, null, now);
  }

  /** The estimator's hook: the factor for this provider, model and picture, or null when switched off. */
  readonly lookup: CalibrationLookup = ({ provider, model, ratio }) => {
    if (this.clock.now() - this.readAt > CALIBRATION_REFRESH_MS) void this.refresh();
    const a = this.snapshot.get(key(provider, model));
    return a ? calibrationFor(a, ratio) : null;
  };

  /** Reads the switched-on rates again (one read at a time; a failed read keeps the old snapshot). */
  refresh(): Promise<void> {
    this.reading ??= this.enabled()
      .then(
        (rows) => {
          this.snapshot = new Map(rows.map((r) => [key(r.provider, r.model), r.applied]));
          this.readAt = this.clock.now();
        },
        () => {
          this.readAt = this.clock.now(); // the next refresh comes after the interval, not on every keystroke
        },
      )
      .finally(() => (this.reading = null));
    return this.reading;
  }

  private async put(provider: string, model: string, enabled: number, applied: string | null, now: number): Promise<void> {
    await this.engine.tx((q) =>
      q.run(
        `INSERT INTO insight_calibration (provider, model, is_enabled, applied_json, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (provider, model) DO UPDATE SET is_enabled = excluded.is_enabled, applied_json = excluded.applied_json, updated_at = excluded.updated_at`,
        [provider, model, enabled, applied, now],
      ),
    );
    await this.reading; // a read that began before this commit may not see it: read again after it
    await this.refresh();
  }
}

/** The resolution's own factor when it had enough samples, else every resolution's together. Pure. */
export function calibrationFor(a: AppliedCalibration, ratio: string | null): Calibration | null {
  const own = a.groups.find((g) => g.resolution === (ratio ?? 'default'));
  const g = own && own.samples >= a.minSamples && own.factor !== null ? own : a.overall;
  if (g.factor === null || !(g.factor > 0)) return null;
  const rates = g.learnedCreditsPerSecond !== null && g.cardCreditsPerSecond !== null ? `${g.learnedCreditsPerSecond}/s learned vs ${g.cardCreditsPerSecond}/s card, ` : '';
  return { multiplier: g.factor, label: `learned (${rates}n=${g.samples}${g.resolution === '*' ? '' : ` at ${g.resolution}`}, since ${a.since.slice(0, 10)})` };
}
