import type { z } from 'zod';
import { PlannedInput } from '../../../shared/contract/insight';
import type { CalibrationView, Forecast, InsightSettings, PlannedWork, Recommendation, Report } from '../../../shared/contract/insightTypes';
import { AppError, validationError } from '../../../shared/errors';
import type { EstimateParams, ProviderId } from '../../../shared/money/params';
import type { CoreEvents } from '../coreEvents';
import type { SqlEngine } from '../db/engine/sqlEngine';
import type { CreditLedger } from '../money/creditLedger';
import type { MoneyService } from '../money/moneyService';
import type { PlanRegistry } from '../money/planRegistry';
import type { Clock, Logger } from '../ports';
import { exportFailures, latencyRows, rerenderLast7Days, rerenderWeeks, statusCounts } from './attemptFigures';
import { type CalibrationStore } from './calibrationStore';
import { calibratedModels, calibrationGroups, estimateRows } from './estimateFigures';
import { budgetForecasts, poolForecasts } from './forecast';
import { insightRepo as repo, type InsightRange } from './insightRepo';
import { type InsightSettingsStore } from './insightSettings';
import { cmp } from './insightStats';
import { addDays, dayOf, dayStartMs, DAY_MS, isDay } from './insightTime';
import { recommendations } from './recommendations';
import { spendByDay, spendByUser, spendTotals, spendWeeks } from './spendFigures';
import { yieldFigures } from './yieldFigures';

/**
 * What it really costs: the dashboards' report, the forecast, the decision framework and calibration.
 * Reads the queue's, ledger's and board's tables; writes only its own (settings, calibration). The
 * figures themselves are pure functions in the sibling files.
 */
export interface PlannedFinals {
  items: number;
  totalCredits: number;
  /** Credits per surface. */
  pools: Record<string, number>;
}

export interface InsightServiceDeps {
  engine: SqlEngine;
  events: CoreEvents;
  clock: Clock;
  logger: Logger;
  ledger: CreditLedger;
  money: MoneyService;
  plans: PlanRegistry;
  calibrations: CalibrationStore;
  settings: InsightSettingsStore;
  /** The shortlist awaiting finalize in a project, priced at release spec (the finalizer's plan). */
  plannedFinals?: (projectId: string) => Promise<PlannedFinals>;
}

export interface ReportRange {
  since?: string | undefined;
  until?: string | undefined;
  projectId?: string | undefined;
}

/** Learned rates come from the last 90 days: older prices may no longer hold. */
export const CALIBRATION_WINDOW_DAYS = 90;
const DEFAULT_RANGE_DAYS = 30;

export class InsightService {
  constructor(private readonly d: InsightServiceDeps) {}

  /** [since, until) in UTC days: default the last 30 days up to now. */
  range(r: ReportRange): { since: string; until: string; projectId: string | null } {
    const today = dayOf(this.d.clock.now());
    const since = r.since ?? addDays(today, -(DEFAULT_RANGE_DAYS - 1));
    const until = r.until ?? addDays(today, 1);
    if (!isDay(since)) throw new AppError('VALIDATION', `since: "${since}" is not a calendar day; give YYYY-MM-DD.`, { field: 'since' });
    if (!isDay(until)) throw new AppError('VALIDATION', `until: "${until}" is not a calendar day; give YYYY-MM-DD.`, { field: 'until' });
    if (since >= until) throw new AppError('VALIDATION', `since: ${since} must be before ${until} (the end of the range); pick an earlier --since.`, { field: 'since' });
    return { since, until, projectId: r.projectId ?? null };
  }

  async report(r: ReportRange = {}): Promise<Report> {
    const { since, until, projectId } = this.range(r);
    const now = this.d.clock.now();
    const from = dayStartMs(since);
    const to = dayStartMs(until);
    const week = now - 7 * DAY_MS;
    const q = this.d.engine;
    const all = await repo.attempts(q, { from: Math.min(from, week), to: Math.max(to, now + 1), project: projectId });
    const attempts = all.filter((a) => a.startedAt >= from && a.startedAt < to);
    const spend = await repo.spend(q, since, until, projectId);
    const byDay = spendByDay(spend, since, until);
    const totals = spendTotals(byDay);
    const range: InsightRange = { from, to, project: projectId };
    const published = await repo.published(q, range);
    const recentPublished = await repo.published(q, { from: week, to: now + 1, project: projectId });
    const takes = await repo.takes(q, range);
    const cacheHits = await repo.cacheHits(q, range);
    return {
      asOf: new Date(now).toISOString(),
      since,
      until,
      projectId,
      spend: { ...totals, byDay, weeks: spendWeeks(byDay, since, until, now), byUser: spendByUser(spend) },
      attempts: statusCounts(attempts),
      latency: latencyRows(attempts),
      exportFailures: exportFailures(attempts),
      rerender: { weeks: rerenderWeeks(attempts, published, since, until), last7Days: rerenderLast7Days(all, recentPublished, now) },
      estimates: estimateRows(attempts),
      yield: yieldFigures({ spend, takes, published, cacheHits }),
    };
  }

  async recommendations(r: ReportRange = {}): Promise<Recommendation[]> {
    const report = await this.report(r);
    const { since, until, projectId } = this.range(r);
    const attempts = await repo.attempts(this.d.engine, { from: dayStartMs(since), to: dayStartMs(until), project: projectId });
    return recommendations({
      attempts,
      weeks: report.spend.weeks,
      rerender: report.rerender.last7Days,
      exportFailures: report.exportFailures,
      settings: await this.d.settings.get(),
      plan: this.d.plans.active().plan,
      watermarkedReleases: await repo.watermarkedReleases(this.d.engine, { from: dayStartMs(since), to: dayStartMs(until), project: projectId }),
    });
  }

  async forecast(req: { projectId?: string | undefined; planned?: z.input<typeof PlannedInput>[]; horizonDays?: number }): Promise<Forecast> {
    const plannedIn = (req.planned ?? []).map((p, i) => {
      const r = PlannedInput.safeParse(p);
      if (!r.success) throw validationError(r.error.issues.map((x) => ({ ...x, path: ['planned', i, ...x.path] })), 'insight.forecast');
      return r.data;
    });
    const now = this.d.clock.now();
    const today = dayOf(now);
    const horizonDays = req.horizonDays ?? 30;
    const names = await repo.projectNames(this.d.engine);
    const planned: PlannedWork[] = [];
    for (const [id, name] of names) {
      if (req.projectId && id !== req.projectId) continue;
      const finals = await this.finalsOf(id);
      if (finals && finals.items > 0) planned.push({ label: `Finalize the shortlist of ${name} (${finals.items} take${finals.items === 1 ? '' : 's'})`, projectId: id, credits: finals.totalCredits, surfaces: finals.pools });
    }
    for (const p of plannedIn) planned.push(this.priced(p.params, p.count, p.label, req.projectId ?? null));
    const historyFrom = addDays(today, -(DEFAULT_RANGE_DAYS - 1));
    const budgetRows = (await repo.budgets(this.d.engine)).filter((b) => !req.projectId || b.projectId === req.projectId);
    const budgets = [];
    for (const b of budgetRows) budgets.push({ ...b, spent: (await this.d.ledger.guardState(b.projectId)).project?.spent ?? 0 });
    const input = {
      nowMs: now,
      horizonDays,
      balances: await this.d.ledger.balances(),
      planned,
      recentSpend: await repo.spend(this.d.engine, addDays(today, -6), addDays(today, 1), null),
      history: await repo.poolDays(this.d.engine, historyFrom),
      historyFrom,
      budgets,
    };
    return { asOf: new Date(now).toISOString(), horizonDays, planned, pools: poolForecasts(input), budgets: budgetForecasts(input) };
  }

  settings(): Promise<InsightSettings> {
    return this.d.settings.get();
  }

  setSettings(patch: Partial<InsightSettings>): Promise<InsightSettings> {
    return this.d.settings.set(patch);
  }

  async calibration(): Promise<CalibrationView> {
    const min = (await this.d.settings.get()).minCalibrationSamples;
    const attempts = await this.calibrationAttempts();
    const models = new Map(calibratedModels(attempts).map((m) => [`${m.provider}\u0000${m.model}`, m]));
    const enabled = new Map((await this.d.calibrations.enabled()).map((e) => [`${e.provider}\u0000${e.model}`, e]));
    for (const e of enabled.values()) models.set(`${e.provider}\u0000${e.model}`, { provider: e.provider, model: e.model });
    const entries = [...models.values()]
      .sort((a, b) => cmp(a.provider, b.provider) || cmp(a.model, b.model))
      .map(({ provider, model }) => {
        const learned = calibrationGroups(attempts, provider, model);
        const applied = enabled.get(`${provider}\u0000${model}`)?.applied ?? null;
        return {
          provider: provider as ProviderId,
          model,
          ...learned,
          hasEnoughSamples: learned.overall.samples >= min && learned.overall.factor !== null,
          isEnabled: applied !== null,
          applied: applied ? { overall: applied.overall, groups: applied.groups, since: applied.since } : null,
        };
      });
    return { minSamples: min, entries };
  }

  /** Switching on freezes what was learned so far; refused without enough samples. Never automatic. */
  async setCalibration(provider: ProviderId, model: string, isEnabled: boolean): Promise<CalibrationView> {
    const now = this.d.clock.now();
    if (!isEnabled) await this.d.calibrations.disable(provider, model, now);
    else {
      const min = (await this.d.settings.get()).minCalibrationSamples;
      const learned = calibrationGroups(await this.calibrationAttempts(), provider, model);
      if (learned.overall.samples < min || learned.overall.factor === null) {
        throw new AppError(
          'VALIDATION',
          `model: ${provider}/${model} has ${learned.overall.samples} successful attempt${learned.overall.samples === 1 ? '' : 's'} with a known cost in the last ${CALIBRATION_WINDOW_DAYS} days; a learned rate needs ${min}. Run more jobs (or \`circletake benchmark\`), or lower minCalibrationSamples.`,
          { field: 'model', samples: learned.overall.samples, needed: min },
        );
      }
      await this.d.calibrations.enable(provider, model, { ...learned, minSamples: min, since: new Date(now).toISOString() }, now);
    }
    this.d.events.emit('insight.calibrationChanged', { provider, model, isEnabled });
    return this.calibration();
  }

  private calibrationAttempts() {
    const now = this.d.clock.now();
    return repo.attempts(this.d.engine, { from: now - CALIBRATION_WINDOW_DAYS * DAY_MS, to: now + 1, project: null });
  }

  private async finalsOf(projectId: string): Promise<PlannedFinals | null> {
    if (!this.d.plannedFinals) return null;
    try {
      return await this.d.plannedFinals(projectId);
    } catch (e) {
      this.d.logger.log('warn', 'the shortlist awaiting finalize could not be priced; left out of the forecast', { projectId, error: (e as Error).message });
      return null;
    }
  }

  private priced(params: EstimateParams, count: number, label: string | undefined, projectId: string | null): PlannedWork {
    const est = this.d.money.estimate({ params }).estimate;
    const surfaces: Record<string, number> = {};
    for (const [s, c] of Object.entries(est.pools)) surfaces[s] = (c ?? 0) * count;
    return { label: label ?? `${count} × ${params.model} ${params.durationSec ?? ''}${params.durationSec ? ' s' : ''} ${params.artifactClass}`.replace(/\s+/g, ' ').trim(), projectId, credits: est.credits * count, surfaces };
  }
}
