import type { Recommendation, Report } from '../../../shared/contract/insightTypes';

/**
 * `circletake report --csv`: the report as one long table, `section,period,group,metric,value`, one
 * figure a row (spreadsheets pivot it). Empty values are blank cells. Pure.
 */
export const CSV_HEADER = 'section,period,group,metric,value';

export function csvCell(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function reportCsv(r: Report, recs: readonly Recommendation[] = []): string {
  const rows: (string | number | boolean | null)[][] = [];
  const add = (section: string, period: string, group: string, metric: string, value: string | number | boolean | null) => rows.push([section, period, group, metric, value]);
  const range = `${r.since}..${r.until}`;
  add('spend', range, 'all', 'credits', r.spend.credits);
  for (const [k, v] of Object.entries(r.spend.byStage)) add('spend', range, `stage:${k}`, 'credits', v);
  for (const [k, v] of Object.entries(r.spend.byClass)) add('spend', range, `class:${k}`, 'credits', v);
  for (const u of r.spend.byUser) add('spend_by_user', range, `user:${u.name ?? u.userId ?? '(none)'}`, 'credits', u.credits);
  for (const d of r.spend.byDay) {
    add('spend_by_day', d.day, 'all', 'credits', d.credits);
    for (const [k, v] of Object.entries(d.byStage)) if (v !== 0) add('spend_by_day', d.day, `stage:${k}`, 'credits', v);
    for (const [k, v] of Object.entries(d.byClass)) if (v !== 0) add('spend_by_day', d.day, `class:${k}`, 'credits', v);
  }
  for (const w of r.spend.weeks) {
    add('spend_by_week', w.weekStart, 'all', 'credits', w.credits);
    add('spend_by_week', w.weekStart, 'all', 'change', w.change);
    add('spend_by_week', w.weekStart, 'all', 'flagged', w.isFlagged);
  }
  add('attempts', range, 'all', 'count', r.attempts.total);
  for (const [k, v] of Object.entries(r.attempts.byStatus)) add('attempts', range, `status:${k}`, 'count', v);
  for (const l of r.latency) {
    const g = `${l.provider}/${l.model}/${l.status}`;
    add('latency', range, g, 'attempts', l.attempts);
    add('latency', range, g, 'p95_queue_ms', l.p95QueueMs);
    add('latency', range, g, 'p95_latency_ms', l.p95LatencyMs);
    add('latency', range, g, 'p95_end_to_end_ms', l.p95EndToEndMs);
  }
  add('export_failures', range, 'release', 'attempts', r.exportFailures.attempts);
  add('export_failures', range, 'release', 'failures', r.exportFailures.failures);
  add('export_failures', range, 'release', 'rate', r.exportFailures.rate);
  for (const w of r.rerender.weeks) {
    add('rerender', w.weekStart, 'week', 'attempts', w.attempts);
    add('rerender', w.weekStart, 'week', 'shipped', w.shipped);
    add('rerender', w.weekStart, 'week', 'rate', w.rate);
  }
  add('rerender', `last7:${r.rerender.last7Days.weekStart}`, 'last 7 days', 'rate', r.rerender.last7Days.rate);
  for (const e of r.estimates) {
    const g = `${e.provider}/${e.model}/${e.resolution}`;
    add('estimates', range, g, 'samples', e.samples);
    add('estimates', range, g, 'estimated', e.estimated);
    add('estimates', range, g, 'actual', e.actual);
    add('estimates', range, g, 'error', e.error);
    add('estimates', range, g, 'card_credits_per_second', e.cardCreditsPerSecond);
    add('estimates', range, g, 'learned_credits_per_second', e.learnedCreditsPerSecond);
  }
  for (const [k, v] of Object.entries(r.yield)) add('yield', range, 'all', k, v);
  for (const x of recs) {
    add('recommendation', range, x.id, 'triggered', x.isTriggered);
    add('recommendation', range, x.id, 'level', x.level);
    add('recommendation', range, x.id, 'samples', x.samples);
    add('recommendation', range, x.id, 'minSamples', x.minSamples);
    add('recommendation', range, x.id, 'evidence', x.evidence);
  }
  return [CSV_HEADER, ...rows.map((row) => row.map(csvCell).join(','))].join('\n');
}
