import { z } from 'zod';
import { Credits, PositiveCredits } from './pools';

/**
 * The plan config: one versioned YAML file (resources/plans/*.yaml, or <dataDir>/plans/*.yaml) holding
 * every quota, cap and boolean a plan has. Field names are snake_case, as in the file. Every number
 * is data with a `checked_at` date, never a constant in code; so every section is required and
 * user plans start as a copy of a shipped one.
 */
export const ConfigName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be lower-case letters, digits, ".", "_" or "-" (e.g. runway-free)');

export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like "2026-01-15"');

export const ConfigMeta = z
  .object({
    name: ConfigName,
    version: z.number().int('must be a whole number').positive('must be 1 or more'),
    checked_at: IsoDate,
    notes: z.string(),
  })
  .strict();

/** "720p": the short side of the picture in pixels. */
export const ResolutionCap = z.string().regex(/^\d{3,4}p$/, 'must be a resolution like "720p" or "1080p"');

const perClass = <T extends z.ZodType>(t: T) => z.object({ preview: t, release: t }).strict();

const Allowance = z
  .object({
    credits: PositiveCredits,
    /** month: resets every month on reset_day; year: every year on reset_month/reset_day. */
    cycle: z.enum(['month', 'year']),
    reset_day: z.number().int().min(1).max(28, 'must be 1–28 so every month has it'),
    reset_month: z.number().int().min(1).max(12).optional(),
  })
  .strict();

const Grant = z
  .object({
    /** Stable id: the grant is given once per data dir, even if the plan is switched away and back. */
    id: ConfigName,
    credits: PositiveCredits,
  })
  .strict();

const Purchase = z
  .object({
    allowed: z.boolean(),
    min_credits: PositiveCredits.optional(),
    /** In-app purchase ceiling in dollars (enforced where the price of a credit is known). */
    max_usd: z.number().positive().optional(),
  })
  .strict();

export const SurfacePools = z
  .object({
    allowance: Allowance.optional(),
    grants: z.array(Grant),
    purchase: Purchase,
    /** Dollars per credit on this surface; null when credits are not sold per credit (web plans). Omit to use the rate card's. */
    usd_per_credit: z.number().positive().nullable().optional(),
  })
  .strict();
export type SurfacePools = z.infer<typeof SurfacePools>;

export const PlanConfig = z
  .object({
    plan: ConfigMeta.extend({
      /** Where this plan's provider jobs run and are paid (the local simulator always uses the `local` pools). */
      surface: z.enum(['web', 'api']),
      /** The rate card this plan prices with unless another is chosen. */
      rate_card: ConfigName,
      /** The built-in plan used when none was chosen. At most one shipped plan sets it. */
      default: z.boolean().optional(),
    }).strict(),
    quotas: z
      .object({
        credits_per_day: Credits.nullable(),
        exports_per_day: Credits.nullable(),
        max_concurrent_jobs: PositiveCredits,
      })
      .strict(),
    rate_limits: z
      .object({
        requests_per_minute: PositiveCredits.nullable(),
        burst: PositiveCredits,
        backoff: z
          .object({
            initial_ms: PositiveCredits,
            max_ms: PositiveCredits,
            jitter: z.boolean(),
            max_retries: Credits,
          })
          .strict(),
      })
      .strict(),
    concurrency: z
      .object({
        start: PositiveCredits,
        max: PositiveCredits,
        raise_when_p95_below_minutes: z.number().positive(),
        raise_after_minutes: z.number().positive(),
        drop_when_p95_above_minutes: z.number().positive(),
      })
      .strict(),
    circuit_breaker: z
      .object({
        failure_rate: z.number().min(0).max(1),
        p95_queue_minutes: z.number().positive(),
        window_minutes: z.number().positive(),
        consecutive_windows: PositiveCredits,
      })
      .strict(),
    outputs: z
      .object({
        release_allowed: z.boolean(),
        watermark_preview: z.boolean(),
        watermark_release: z.boolean(),
        max_duration_seconds: perClass(z.number().positive()),
        max_resolution: perClass(ResolutionCap),
        allowed_formats: perClass(z.array(z.string().min(1)).min(1)),
      })
      .strict(),
    retention: z
      .object({
        mirror_within_minutes: PositiveCredits,
        keep_params_days: PositiveCredits,
        keep_release_binaries_days: PositiveCredits,
        keep_preview_binaries_days: PositiveCredits,
      })
      .strict(),
    budgets: z
      .object({
        /** A job at or above this many credits is "expensive". */
        expensive_job_credits: PositiveCredits,
        /** An expensive job is refused when less than this share of the daily cap is left (0.1 = 10 %). */
        expensive_refused_below_daily_fraction: z.number().min(0).max(1),
        /** Per-project budget applied to projects that have none of their own; null = none. */
        project_budget_default: PositiveCredits.nullable(),
        /** Notify when a user's spend in a calendar month (UTC) passes each of these. */
        user_spend_notify_at: z.array(PositiveCredits),
      })
      .strict(),
    warnings: z
      .object({
        /** Warn when a change multiplies the estimate by this much or more. */
        multiplier_factor: z.number().gt(1, 'must be more than 1'),
        /** Warn when checked_at is older than this. */
        stale_after_days: PositiveCredits,
      })
      .strict(),
    settlement: z
      .object({
        /** When the actual cost is above the reservation: cap at the reservation, or try a separate debit that may fail. */
        over_reserve: z.enum(['cap', 'debit']),
      })
      .strict(),
    workspace: z.object({ max_editors: PositiveCredits.nullable() }).strict(),
    pools: z
      .object({ web: SurfacePools, api: SurfacePools, platform: SurfacePools, local: SurfacePools })
      .partial()
      .strict(),
    /** A reseller's own charge per generation, taken from the `platform` pools on top of the provider's. */
    platform_fee: z
      .object({ credits: PositiveCredits, per: z.enum(['job', 'variation']), usd_per_credit: z.number().positive().nullable() })
      .strict()
      .optional(),
    /** Relaxed, 0-credit generations of eligible models (Runway Unlimited). */
    explore_mode: z.object({ enabled: z.boolean(), models: z.array(z.string().min(1)) }).strict().optional(),
    /**
     * Compliance: projects (by name or id) allowed to submit inputs labeled confidential or restricted.
     * Absent or empty: no project may (the refusal names the label and this list).
     */
    policy: z.object({ sensitive_allowlist: z.array(z.string().trim().min(1, 'must not be empty').max(120)) }).strict().optional(),
  })
  .strict();

export type PlanConfig = z.infer<typeof PlanConfig>;
