import { z } from 'zod';
import { Empty, mutation, query } from './define';
import { Comparison, Estimate } from '../money/estimateTypes';
import { Refusal } from '../money/guards';
import {
  AdjustRequest,
  Balances,
  GrantRequest,
  HistoryEntry,
  HistoryFilter,
  OpKind,
  PurchaseRequest,
  Reservation,
} from '../money/ledgerTypes';
import { EstimateParams } from '../money/params';
import { ProviderComparison, UsageCheck } from '../money/providerBooks';
import { ConfigName, PlanConfig } from '../money/planSchema';
import { PositiveCredits, Surface } from '../money/pools';
import { RateCard } from '../money/rateCardSchema';

/**
 * Money calls and events: plans and rate cards, estimates and quotes, balances, history, grants,
 * purchases, adjustments and budgets. Queries are open to producers; writes need the owner. Every
 * ledger write carries an idempotency `id` the caller keeps and reuses on retry.
 */
/** A rejected plan or rate-card file; a broken one says since when and which stored version stays in force instead. */
export const ConfigProblemView = z.object({
  file: z.string(),
  line: z.number().int(),
  field: z.string(),
  message: z.string(),
  since: z.string().optional(),
  inForce: z.object({ hash: z.string(), savedAt: z.string() }).nullable().optional(),
});

export const StaleWarningView = z.object({
  kind: z.enum(['plan', 'rateCard']),
  name: z.string(),
  file: z.string(),
  checkedAt: z.string(),
  ageDays: z.number().int(),
  message: z.string(),
});

export const PlansView = z.object({
  active: z.object({ plan: z.string(), rateCard: z.string(), surface: Surface, checkedAt: z.string(), isStale: z.boolean() }),
  plans: z.array(
    z.object({
      name: z.string(),
      version: z.number().int(),
      checkedAt: z.string(),
      notes: z.string(),
      surface: Surface,
      rateCard: z.string(),
      source: z.enum(['builtin', 'user']),
      file: z.string(),
      isActive: z.boolean(),
    }),
  ),
  rateCards: z.array(
    z.object({
      name: z.string(),
      version: z.number().int(),
      checkedAt: z.string(),
      provider: z.string(),
      notes: z.string(),
      source: z.enum(['builtin', 'user']),
      file: z.string(),
      models: z.array(z.string()),
      isActive: z.boolean(),
    }),
  ),
  problems: z.array(ConfigProblemView),
  warnings: z.array(StaleWarningView),
});
export type PlansView = z.infer<typeof PlansView>;

export const EstimateRequest = z
  .object({
    params: EstimateParams,
    /** The earlier params to compare against (the form's previous state, or --against). */
    against: EstimateParams.optional(),
    plan: ConfigName.optional(),
    rates: ConfigName.optional(),
  })
  .strict();

export const EstimateResult = z.object({
  estimate: Estimate,
  against: Estimate.nullable(),
  comparison: Comparison.nullable(),
  /** Plan and rate-card files that are broken right now (priced with their last good version). */
  brokenConfigs: z.array(ConfigProblemView),
});
export type EstimateResult = z.infer<typeof EstimateResult>;

/** A quote: the estimate, the guard's verdict under today's spend and budgets, and balances before → after. */
export const Quote = z.object({
  estimate: Estimate,
  canSubmit: z.boolean(),
  refusals: z.array(Refusal),
  /** Available credits per surface charged, before and after this job. */
  before: z.partialRecord(Surface, z.number().int()),
  after: z.partialRecord(Surface, z.number().int()),
  /** Plan and rate-card files that are broken right now (priced with their last good version). */
  brokenConfigs: z.array(ConfigProblemView),
});
export type Quote = z.infer<typeof Quote>;

export const AuditView = z.object({
  ok: z.boolean(),
  problems: z.array(z.string()),
  totals: z.object({ debitsPosted: z.number().int(), creditsPosted: z.number().int(), debitsPending: z.number().int(), creditsPending: z.number().int() }),
  /** Runway's daily usage against the books per model and day (null without a Runway key). A mismatch is listed, not a books failure. */
  usage: UsageCheck.nullable().optional(),
});

/** Balances per pool, with Runway's balance beside the books' (null until Runway was read with a key). */
export const BalancesView = Balances.extend({ provider: ProviderComparison.nullable().optional() });

export const ProviderBooksView = z.object({ comparison: ProviderComparison.nullable(), usage: UsageCheck.nullable() });
export type ProviderBooksView = z.infer<typeof ProviderBooksView>;

export const creditsCalls = {
  'plans.list': query(Empty, PlansView),
  'plans.active': query(Empty, z.object({ plan: PlanConfig, rateCard: RateCard })),
  'plans.activate': mutation(z.object({ name: ConfigName, rates: ConfigName.nullable().optional() }).strict(), PlansView),
  'plans.reload': mutation(Empty, PlansView),
  'credits.estimate': query(EstimateRequest, EstimateResult),
  'credits.quote': query(z.object({ params: EstimateParams, projectId: z.string().min(1).nullable().optional() }).strict(), Quote),
  /** `fresh`: read Runway now rather than use a reading up to a minute old (a deliberate look, as `ledger balance` is). */
  'credits.balances': query(z.object({ fresh: z.boolean().optional() }).strict(), BalancesView),
  /** Runway's balance and usage against the books, as last compared. */
  'credits.provider': query(Empty, ProviderBooksView),
  /** Reads Runway now (balance, then usage), mirrors a conclusive difference into the books (provider_sync), and answers the comparison. */
  'credits.syncProvider': mutation(Empty, ProviderBooksView),
  'credits.history': query(HistoryFilter, z.array(HistoryEntry)),
  'credits.reservations': query(z.object({ jobId: z.string().min(1).optional(), pendingOnly: z.boolean().optional() }).strict(), z.array(Reservation)),
  'credits.grant': mutation(GrantRequest, Balances),
  'credits.purchase': mutation(PurchaseRequest, Balances),
  'credits.adjust': mutation(AdjustRequest, Balances),
  'credits.setBudget': mutation(
    z.object({ projectId: z.string().min(1), credits: PositiveCredits.nullable() }).strict(),
    z.object({ projectId: z.string(), budget: z.number().int().nullable() }),
  ),
  'credits.audit': query(Empty, AuditView),
} as const;

export const creditsEvents = {
  /** Emitted once per committed ledger operation, with the balances after it. */
  'credits.changed': z.object({
    kind: OpKind,
    opId: z.string(),
    reservationId: z.string().nullable(),
    jobId: z.string().nullable(),
    balances: Balances,
  }),
  /** A user's spend this month passed one of their notice thresholds (set by an admin, else the plan's budgets.user_spend_notify_at). */
  'credits.thresholdCrossed': z.object({
    userId: z.string(),
    /** The member's name (null: no member has this id). */
    userName: z.string().nullable().optional(),
    period: z.string(),
    threshold: z.number().int(),
    spent: z.number().int(),
  }),
  /** The active plan or rate card changed, or the config files were reloaded. */
  'plans.changed': z.object({ plan: z.string(), rateCard: z.string(), problems: z.number().int() }),
} as const;
