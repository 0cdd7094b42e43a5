import type { z } from 'zod';
import type { UsageInput, UsagePoint, UsageReport, UsageSeries } from '../../../shared/contract/usage';
import type { SqlEngine } from '../db/engine/sqlEngine';
import { dayOf } from '../insight/insightTime';
import type { Clock } from '../ports';
import { bucketIndex, usageRange } from './usageBuckets';
import { usageRepo as repo, type UsageRow } from './usageRepo';

/**
 * Usage over time per member or per project (issue 18 item 3): the ledger's running spend totals read
 * by day (or by month for month buckets), put into buckets, named. Spend no member is named on (the
 * owner's own session: the desktop's single user, a studio's admin token) is one series with a null key,
 * found as all spend (the pools' totals) less what the members' totals hold; likewise spend on no project.
 */
interface Acc {
  held: number[];
  posted: number[];
  refunded: number[];
}

const acc = (n: number): Acc => ({ held: new Array<number>(n).fill(0), posted: new Array<number>(n).fill(0), refunded: new Array<number>(n).fill(0) });
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function seriesOf(a: Acc, starts: readonly string[]): Omit<UsageSeries, 'key' | 'name'> {
  const points: UsagePoint[] = starts.map((start, i) => ({ start, held: a.held[i]!, posted: a.posted[i]!, refunded: a.refunded[i]!, credits: a.posted[i]! - a.refunded[i]! }));
  const posted = sum(a.posted);
  const refunded = sum(a.refunded);
  return { held: sum(a.held), posted, refunded, credits: posted - refunded, points };
}

export class UsageService {
  constructor(private readonly d: { engine: SqlEngine; clock: Clock }) {}

  async usage(req: z.output<typeof UsageInput>): Promise<UsageReport> {
    const now = this.d.clock.now();
    const { by, bucket } = req;
    const { from, to, starts } = usageRange(req, dayOf(now));
    const n = starts.length;
    const byMonth = bucket === 'month';
    const q = this.d.engine;
    const rows = await repo.rows(q, by, byMonth ? { from: from.slice(0, 7), to: to.slice(0, 7), length: 7 } : { from, to, length: 10 }, { from, to });
    const index = (period: string) => bucketIndex(from, period.length === 7 ? `${period}-01` : period, bucket);

    const all = acc(n);
    const keyed = new Map<string | null, Acc>();
    const of = (key: string | null) => keyed.get(key) ?? keyed.set(key, acc(n)).get(key)!;
    for (const r of rows) add(r, index(r.period), r.scope === 'pool' ? all : of(r.key));
    // What the pools spent beyond the named series: nobody (or no project) is named on it.
    const named = [...keyed].filter(([k]) => k !== null).map(([, a]) => a);
    const rest = of(null);
    for (let i = 0; i < n; i++) {
      rest.held[i]! += all.held[i]! - sum(named.map((a) => a.held[i]!));
      rest.posted[i]! += all.posted[i]! - sum(named.map((a) => a.posted[i]!));
    }

    const keys = [...keyed.keys()].filter((k): k is string => k !== null);
    const names = await repo.names(q, by, keys);
    const unnamed = by === 'project' ? 'No project' : (await repo.hasMembers(q)) ? 'Studio owner' : 'You';
    const series: UsageSeries[] = [...keyed]
      .map(([key, a]) => ({ key, name: key === null ? unnamed : (names.get(key) ?? key), ...seriesOf(a, starts) }))
      .filter((s) => s.held !== 0 || s.posted !== 0 || s.refunded !== 0)
      .sort((a, b) => b.credits - a.credits || b.held - a.held || a.name.localeCompare(b.name));

    const total = acc(n);
    for (const s of series) s.points.forEach((p, i) => ((total.held[i]! += p.held), (total.posted[i]! += p.posted), (total.refunded[i]! += p.refunded)));
    return { asOf: new Date(now).toISOString(), by, bucket, from, to, series, totals: seriesOf(total, starts) };
  }
}

function add(r: UsageRow, i: number, a: Acc): void {
  if (i < 0 || i >= a.held.length) return;
  a.held[i]! += r.held;
  a.posted[i]! += r.posted;
  a.refunded[i]! += r.refunded;
}
