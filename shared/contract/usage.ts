import { z } from 'zod';
import { query } from './define';
import { Day } from './insightTypes';

/**
 * Usage over time (issue 18 item 3): credits per member or per project in day, week or month buckets,
 * read from the ledger's running spend totals. `held` is what reservations made in a bucket still hold
 * (a job not yet settled); `posted` is what was charged in a bucket (captures and debits); `refunded`
 * what a provider gave back; `credits` = posted − refunded (the report's spend, net of refunds).
 * Buckets are whole UTC days, weeks (Monday to Sunday) or calendar months; a range that starts or ends
 * inside a bucket is widened to whole buckets, and `from`/`to` in the answer say which range was read.
 */
export const UsageBy = z.enum(['user', 'project']);
export type UsageBy = z.infer<typeof UsageBy>;
export const UsageBucket = z.enum(['day', 'week', 'month']);
export type UsageBucket = z.infer<typeof UsageBucket>;

/** At most this many buckets per answer (a year of days; 7 years of weeks; 30 years of months). */
export const MAX_USAGE_BUCKETS = 366;

export const UsageInput = z
  .object({
    by: UsageBy.default('user'),
    bucket: UsageBucket.default('day'),
    /** First day (UTC) included; default: 30 days, 12 weeks or 12 months before `to`. */
    from: Day.optional(),
    /** The day (UTC) the range ends before; default: the end of the bucket holding today. */
    to: Day.optional(),
  })
  .strict();

const Int = z.number().int();

export const UsagePoint = z.object({
  /** The bucket's first day. */
  start: Day,
  held: Int,
  posted: Int,
  refunded: Int,
  credits: Int,
});
export type UsagePoint = z.infer<typeof UsagePoint>;

export const UsageSeries = z.object({
  /** A member id (mem_…), the name a local session tags with, or a project id; null for spend nobody or no project is named on. */
  key: z.string().nullable(),
  name: z.string(),
  held: Int,
  posted: Int,
  refunded: Int,
  credits: Int,
  /** One per bucket, in order, zeros included. */
  points: z.array(UsagePoint),
});
export type UsageSeries = z.infer<typeof UsageSeries>;

export const UsageReport = z.object({
  asOf: z.string(),
  by: UsageBy,
  bucket: UsageBucket,
  /** The range read: whole buckets, `to` excluded. */
  from: Day,
  to: Day,
  /** Who (or which project) used credits in the range, most first. */
  series: z.array(UsageSeries),
  /** Every series added up, bucket by bucket; each figure is the sum of its points. */
  totals: UsageSeries.omit({ key: true, name: true }),
});
export type UsageReport = z.infer<typeof UsageReport>;

export const usageCalls = {
  'spend.usage': query(UsageInput, UsageReport),
} as const;
