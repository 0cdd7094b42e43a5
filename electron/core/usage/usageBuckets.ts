import { MAX_USAGE_BUCKETS, type UsageBucket } from '../../../shared/contract/usage';
import { AppError } from '../../../shared/errors';
import { addDays, dayStartMs, DAY_MS, isDay, weekStartOf, WEEK_MS } from '../insight/insightTime';

/**
 * Buckets of usage over time, in UTC: a day, a week (from Monday) or a calendar month, each named by its
 * first day. Pure.
 */
const DEFAULT_BUCKETS: Record<UsageBucket, number> = { day: 30, week: 12, month: 12 };

const monthNo = (day: string) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
const monthDay = (n: number) => `${String(Math.floor(n / 12)).padStart(4, '0')}-${String((n % 12) + 1).padStart(2, '0')}-01`;

export function bucketStart(day: string, bucket: UsageBucket): string {
  if (bucket === 'day') return day;
  if (bucket === 'week') return weekStartOf(day);
  return `${day.slice(0, 7)}-01`;
}

/** The start of the bucket `n` buckets after the one starting at `start` (n may be negative). */
export function bucketAfter(start: string, bucket: UsageBucket, n = 1): string {
  if (bucket === 'day') return addDays(start, n);
  if (bucket === 'week') return addDays(start, 7 * n);
  return monthDay(monthNo(start) + n);
}

/** Which bucket of a range starting at `from` (a bucket start) holds `day`. */
export function bucketIndex(from: string, day: string, bucket: UsageBucket): number {
  if (bucket === 'month') return monthNo(day) - monthNo(from);
  return Math.floor((dayStartMs(day) - dayStartMs(from)) / (bucket === 'day' ? DAY_MS : WEEK_MS));
}

export interface UsageRange {
  from: string;
  to: string;
  /** Each bucket's first day, in order. */
  starts: string[];
}

/**
 * The range to read: whole buckets covering [from, to). Default `to`: the end of the bucket holding
 * today; default `from`: 30 days, 12 weeks or 12 months before `to`. A day that is not a calendar day,
 * an empty range or one of more than 366 buckets is refused naming the field and the way out.
 */
export function usageRange(req: { from?: string | undefined; to?: string | undefined; bucket: UsageBucket }, today: string): UsageRange {
  const { bucket } = req;
  if (req.from !== undefined && !isDay(req.from)) throw new AppError('VALIDATION', `from: "${req.from}" is not a calendar day; give YYYY-MM-DD.`, { field: 'from' });
  if (req.to !== undefined && !isDay(req.to)) throw new AppError('VALIDATION', `to: "${req.to}" is not a calendar day; give YYYY-MM-DD.`, { field: 'to' });
  const toRaw = req.to ?? bucketAfter(bucketStart(today, bucket), bucket);
  const fromRaw = req.from ?? bucketAfter(bucketStart(addDays(toRaw, -1), bucket), bucket, 1 - DEFAULT_BUCKETS[bucket]);
  if (fromRaw >= toRaw) throw new AppError('VALIDATION', `from: ${fromRaw} must be before ${toRaw} (the day the range ends before); pick an earlier from.`, { field: 'from' });
  const from = bucketStart(fromRaw, bucket);
  const toStart = bucketStart(toRaw, bucket);
  const to = toStart === toRaw ? toRaw : bucketAfter(toStart, bucket);
  const count = bucketIndex(from, to, bucket);
  if (count > MAX_USAGE_BUCKETS) {
    throw new AppError('VALIDATION', `from: ${from} to ${to} is ${count} ${bucket}s; at most ${MAX_USAGE_BUCKETS} at a time. Pick a shorter range, or a longer bucket (week, month).`, {
      field: 'from',
      max: MAX_USAGE_BUCKETS,
    });
  }
  const starts: string[] = [];
  for (let i = 0; i < count; i++) starts.push(bucketAfter(from, bucket, i));
  return { from, to, starts };
}
