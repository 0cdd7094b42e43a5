import { z } from 'zod';
import { PositiveCredits } from './pools';

/**
 * Limits an admin sets on spending (stored in money_limits, migration 0910) and where spend notices go:
 * - per member: a monthly budget and a daily cap (credits held or charged for the jobs they submit);
 * - per project: a daily cap (its all-time budget is money_budgets, credits.setBudget);
 * - notice thresholds: per member, else the studio's default, else the plan's budgets.user_spend_notify_at;
 * - a webhook that hears every notice (POST JSON signed with HMAC-SHA256; its secret is never read back).
 * Months and days are UTC, as the ledger's spend totals are.
 */
export const MAX_NOTIFY_THRESHOLDS = 10;

/** Ascending, distinct thresholds; [] = no notices at all. */
export const NotifyThresholds = z
  .array(PositiveCredits)
  .max(MAX_NOTIFY_THRESHOLDS, `at most ${MAX_NOTIFY_THRESHOLDS} thresholds`)
  .transform((a) => [...new Set(a)].sort((x, y) => x - y));

export const MemberLimits = z.object({
  userId: z.string(),
  /** The member's name (null when no member has this id: the owner's own session or a review link's name). */
  name: z.string().nullable(),
  monthly: z.number().int().nullable(),
  daily: z.number().int().nullable(),
  /** This member's own thresholds (null = the studio default applies). */
  notifyAt: z.array(z.number().int()).nullable(),
  /** Held + charged for this member's jobs today and this month. */
  spentToday: z.number().int(),
  spentMonth: z.number().int(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type MemberLimits = z.infer<typeof MemberLimits>;

export const ProjectLimits = z.object({
  projectId: z.string(),
  name: z.string().nullable(),
  /** The project's all-time budget (credits.setBudget; null = the plan's default, if any). */
  budget: z.number().int().nullable(),
  daily: z.number().int().nullable(),
  spentToday: z.number().int(),
  spentAll: z.number().int(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type ProjectLimits = z.infer<typeof ProjectLimits>;

export const WebhookView = z.object({
  url: z.string(),
  /** Whether a signing secret is set (the secret itself is never read back). */
  hasSecret: z.boolean(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string(),
});
export type WebhookView = z.infer<typeof WebhookView>;

export const LimitsView = z.object({
  members: z.array(MemberLimits),
  projects: z.array(ProjectLimits),
  notify: z.object({
    /** The studio's default thresholds (null = the plan's). */
    defaultAt: z.array(z.number().int()).nullable(),
    planAt: z.array(z.number().int()),
    webhook: WebhookView.nullable(),
  }),
  /** When today's and this month's spend start again (UTC). */
  dayResetsAt: z.string(),
  monthResetsAt: z.string(),
});
export type LimitsView = z.infer<typeof LimitsView>;

export const WebhookDelivery = z.object({
  id: z.string(),
  userId: z.string(),
  period: z.string(),
  threshold: z.number().int(),
  spent: z.number().int(),
  /** The webhook's origin when it was sent (scheme, host and port: a path may hold a token). */
  target: z.string(),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

/** The WHATWG URL parser every runtime of this layer has (Node, Chromium); shared/ compiles without DOM or Node types. */
interface ParsedUrl {
  protocol: string;
  username: string;
  password: string;
}
const UrlParser = (globalThis as unknown as { URL: new (s: string) => ParsedUrl }).URL;

/** An http(s) URL without credentials in it, for the webhook. */
export const WebhookUrl = z
  .string()
  .max(2000)
  .superRefine((s, ctx) => {
    let u: ParsedUrl;
    try {
      u = new UrlParser(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a URL: give http://host/path or https://host/path' });
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `only http and https webhooks are sent (not ${u.protocol.replace(':', '')})` });
    if (u.username || u.password) ctx.addIssue({ code: 'custom', message: 'no user or password in the URL: the secret signs each body instead' });
  });

/** The member's daily and monthly limits and the project's daily cap, with what counts toward them (held + charged). */
export interface LimitState {
  user?: { id: string; name: string | null; spentToday: number; spentMonth: number; monthly: number | null; daily: number | null };
  projectDaily?: { spentToday: number; daily: number };
  monthResetsAt: string;
}

/** The next UTC month start after `ms`, as an ISO timestamp. */
export function nextMonthStart(ms: number): string {
  // Asked at every submit: the last month's answer is kept for the rest of that month.
  if (monthMemo && ms >= monthMemo.from && ms < monthMemo.to) return monthMemo.iso;
  const d = new Date(ms);
  const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  monthMemo = { from, to, iso: new Date(to).toISOString() };
  return monthMemo.iso;
}
let monthMemo: { from: number; to: number; iso: string } | null = null;
