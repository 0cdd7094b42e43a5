import type { UsageReport } from '../../../shared/contract/usage';
import { CSV_HEADER, csvCell } from '../insight/reportCsv';

/**
 * `circletake report --over … --csv`: usage over time in the report's long table
 * (`section,period,group,metric,value`): `usage_by_user` or `usage_by_project` rows, one figure a row;
 * per series only the buckets where something moved, the totals for every bucket and for the range.
 */
export function usageCsv(r: UsageReport): string {
  const section = `usage_by_${r.by}`;
  const rows: (string | number)[][] = [];
  const figures = (period: string, group: string, f: { held: number; posted: number; refunded: number; credits: number }, always: boolean) => {
    if (!always && f.held === 0 && f.posted === 0 && f.refunded === 0) return;
    for (const metric of ['credits', 'held', 'posted', 'refunded'] as const) rows.push([section, period, group, metric, f[metric]]);
  };
  const range = `${r.from}..${r.to}`;
  for (const s of r.series) {
    const group = `${r.by}:${s.name}`;
    figures(range, group, s, true);
    for (const p of s.points) figures(p.start, group, p, false);
  }
  figures(range, 'all', r.totals, true);
  for (const p of r.totals.points) figures(p.start, 'all', p, true);
  return [CSV_HEADER, ...rows.map((row) => row.map(csvCell).join(','))].join('\n');
}
