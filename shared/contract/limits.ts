import { z } from 'zod';
import { mutation, query } from './define';
import { LimitsView, NotifyThresholds, WebhookDelivery, WebhookUrl } from '../money/limits';
import { PositiveCredits } from '../money/pools';

/**
 * Limits and spend notices an admin sets (shared/money/limits.ts): a member's monthly budget and daily
 * cap, a project's daily cap, notice thresholds (per member or the studio's default) and a webhook.
 * Each change is recorded under who made it (the admin's audit). In every write, a field left out is
 * kept and null clears it.
 */
const Credits = PositiveCredits.nullable().optional();

export const SetUserLimitsRequest = z
  .object({
    /** A member's id, or their name when it is unique. */
    userId: z.string().min(1).max(200),
    monthly: Credits,
    daily: Credits,
  })
  .strict();

export const SetNotifyRequest = z
  .object({
    /** Whose thresholds: a member (id or unique name); left out: the studio's default. */
    userId: z.string().min(1).max(200).optional(),
    /** Thresholds in credits spent in a month; [] = no notices; null = fall back (member → studio default → the plan's). */
    notifyAt: NotifyThresholds.nullable().optional(),
    /** Where every notice is POSTed as JSON; null removes it. The secret signs each body (HMAC-SHA256, X-CircleTake-Signature). */
    webhook: z
      .object({
        url: WebhookUrl,
        /** At least 16 characters; may be left out to keep the secret already set. */
        secret: z.string().min(16, 'at least 16 characters').max(200).optional(),
      })
      .strict()
      .nullable()
      .optional(),
  })
  .strict();

export const limitsCalls = {
  /** Every member's and project's limits with their spend today and this month, the notice thresholds and the webhook (its secret never). */
  'credits.limits': query(z.object({}).strict(), LimitsView),
  'credits.setUserLimits': mutation(SetUserLimitsRequest, LimitsView),
  'credits.setProjectDailyCap': mutation(z.object({ projectId: z.string().min(1), daily: PositiveCredits.nullable() }).strict(), LimitsView),
  'credits.setNotifySettings': mutation(SetNotifyRequest, LimitsView),
  /** Spend notices sent to the webhook, newest first: delivered or failed, with attempts and the last answer. */
  'credits.webhookDeliveries': query(z.object({ limit: z.number().int().min(1).max(500).optional() }).strict(), z.array(WebhookDelivery)),
} as const;
