import type { Queryable } from '../db/engine/sqlEngine';
import type { EstimateResult, PlansView, Quote } from '../../../shared/contract/credits';
import { compare } from '../../../shared/money/compare';
import { estimate, type CalibrationLookup } from '../../../shared/money/estimate';
import type { Estimate } from '../../../shared/money/estimateTypes';
import { guard, guardError, type GuardVerdict } from '../../../shared/money/guards';
import type { EstimateParams } from '../../../shared/money/params';
import type { PlanConfig } from '../../../shared/money/planSchema';
import type { Surface } from '../../../shared/money/pools';
import type { RateCard } from '../../../shared/money/rateCardSchema';
import type { CoreEvents } from '../coreEvents';
import type { ConfigProblem } from './configFile';
import type { CreditLedger } from './creditLedger';
import type { PlanRegistry } from './planRegistry';

/**
 * The money desk: estimates and quotes under a plan, the submit-time check the queue calls, and plan
 * switching. INTERFACE for the queue:
 *   check(params, projectId?, q?, userId?) → Estimate   (estimate + guard under today's spend and the
 *                                           member's and project's limits; throws POLICY_REFUSED /
 *                                           INSUFFICIENT_CREDITS naming rule, pool, shortfall and ways out)
 *   then ledger.reserve({ …, amounts: estimate.pools }, q) in the same engine transaction `q`.
 */
export interface MoneyServiceDeps {
  plans: PlanRegistry;
  ledger: CreditLedger;
  events: CoreEvents;
  /** Models the projects use: a rate card without one of them cannot be made active. */
  modelsInUse?: () => Promise<string[]>;
  /** Learned rates the user switched on per provider and model (insight's CalibrationStore); none by default. */
  calibration?: CalibrationLookup;
}

export class MoneyService {
  constructor(private readonly d: MoneyServiceDeps) {}

  /** The plan and rate card to price with: named ones, else the active ones. */
  pricing(planName?: string, rates?: string): { plan: PlanConfig; rateCard: RateCard } {
    const active = this.d.plans.active();
    const plan = planName ? this.d.plans.plan(planName) : active.plan;
    const rateCard = rates ? this.d.plans.rateCard(rates) : planName ? this.d.plans.rateCard(plan.plan.rate_card) : active.rateCard;
    return { plan, rateCard };
  }

  estimate(req: { params: EstimateParams; against?: EstimateParams; plan?: string; rates?: string }): EstimateResult {
    const { plan, rateCard } = this.pricing(req.plan, req.rates);
    const b = estimate(req.params, rateCard, plan, this.d.calibration);
    const brokenConfigs = this.brokenConfigs();
    if (!req.against) return { estimate: b, against: null, comparison: null, brokenConfigs };
    const a = estimate(req.against, rateCard, plan, this.d.calibration);
    return { estimate: b, against: a, comparison: compare(a, b, plan), brokenConfigs };
  }

  /** Estimate + guard under today's spend, with balances before → after. Never throws for a refusal. */
  async quote(params: EstimateParams, projectId?: string | null, userId?: string | null): Promise<Quote> {
    const { est, verdict } = await this.evaluate(params, projectId, undefined, userId);
    const balances = await this.d.ledger.balances();
    const before: Partial<Record<Surface, number>> = {};
    const after: Partial<Record<Surface, number>> = {};
    for (const s of Object.keys(est.pools) as Surface[]) {
      const have = balances.surfaces.find((x) => x.surface === s)?.available ?? 0;
      before[s] = have;
      after[s] = have - (est.pools[s] ?? 0);
    }
    return { estimate: est, canSubmit: verdict.ok, refusals: verdict.refusals, before, after, brokenConfigs: this.brokenConfigs() };
  }

  /** Files broken right now (each says since when, and the stored version kept in force): every price names them. */
  brokenConfigs(): ConfigProblem[] {
    return this.d.plans.problems().filter((p) => p.since !== undefined);
  }

  /** For the queue at submit, inside its transaction `q`: the estimate to reserve, or the guard's refusal as an AppError. */
  async check(params: EstimateParams, projectId?: string | null, q?: Queryable, userId?: string | null): Promise<Estimate> {
    const { est, verdict } = await this.evaluate(params, projectId, q, userId);
    if (!verdict.ok) throw guardError(verdict);
    return est;
  }

  async activate(name: string, rates?: string | null): Promise<PlansView> {
    await this.d.plans.activate(name, { rates: rates ?? null, modelsInUse: (await this.d.modelsInUse?.()) ?? [] });
    await this.d.ledger.syncPlan();
    return this.announce();
  }

  async reload(): Promise<PlansView> {
    await this.d.plans.reload();
    await this.d.ledger.syncPlan();
    return this.announce();
  }

  view(): PlansView {
    const { plans, rateCards } = this.d.plans.list();
    const { plan, rateCard } = this.d.plans.active();
    const warnings = this.d.plans.warnings();
    return {
      active: {
        plan: plan.plan.name,
        rateCard: rateCard.rate_card.name,
        surface: plan.plan.surface,
        checkedAt: plan.plan.checked_at,
        isStale: warnings.some((w) => w.kind === 'plan' && w.name === plan.plan.name),
      },
      plans: plans.map((e) => ({
        name: e.name,
        version: e.config.plan.version,
        checkedAt: e.config.plan.checked_at,
        notes: e.config.plan.notes,
        surface: e.config.plan.surface,
        rateCard: e.config.plan.rate_card,
        source: e.source,
        file: e.file,
        isActive: e.name === plan.plan.name,
      })),
      rateCards: rateCards.map((e) => ({
        name: e.name,
        version: e.config.rate_card.version,
        checkedAt: e.config.rate_card.checked_at,
        provider: e.config.rate_card.provider,
        notes: e.config.rate_card.notes,
        source: e.source,
        file: e.file,
        models: Object.keys(e.config.models),
        isActive: e.name === rateCard.rate_card.name,
      })),
      problems: this.d.plans.problems(),
      warnings,
    };
  }

  private async evaluate(params: EstimateParams, projectId?: string | null, q?: Queryable, userId?: string | null): Promise<{ est: Estimate; verdict: GuardVerdict }> {
    await this.d.plans.readChoice(q); // a plan switched by another process prices this job (inside the submit's transaction: through q)
    const { plan, rateCard } = this.pricing();
    const est = estimate(params, rateCard, plan, this.d.calibration);
    const verdict = guard({ params, estimate: est, plan, rateCard, state: await this.d.ledger.guardState(projectId ?? null, q, userId ?? null) });
    return { est, verdict };
  }

  private announce(): PlansView {
    const view = this.view();
    this.d.events.emit('plans.changed', { plan: view.active.plan, rateCard: view.active.rateCard, problems: view.problems.length });
    return view;
  }
}
