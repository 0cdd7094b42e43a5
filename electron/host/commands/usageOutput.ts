import type { UsagePoint, UsageReport } from '../../../shared/contract/usage';
import type { CliIo } from '../cliSupport';

/**
 * `circletake report --over day|week|month [--by user|project]`: usage over time as text — one line per
 * member (or project) with what was charged (net of refunds), what running jobs still hold, refunds and
 * a sparkline of charged + held per bucket; then the buckets where something moved, split by who.
 */
const n = (x: number) => x.toLocaleString('en-US');
const BARS = ' ▁▂▃▄▅▆▇█';
/** Sparklines longer than this would wrap in a terminal; the per-bucket lines below carry the figures. */
const SPARK_MAX = 120;

const used = (p: UsagePoint) => Math.max(0, p.credits + p.held);

export function sparkline(points: readonly UsagePoint[], top: number): string {
  return points.map((p) => (used(p) === 0 || top <= 0 ? ' ' : BARS[Math.max(1, Math.round((used(p) / top) * 8))])).join('');
}

export function printUsage(r: UsageReport, io: CliIo): void {
  const who = r.by === 'user' ? 'member' : 'project';
  io.out(`Circle Take usage by ${who}, per ${r.bucket}, ${r.from} to ${r.to} (exclusive) — as of ${r.asOf}`);
  io.out('');
  const top = Math.max(0, ...r.series.flatMap((s) => s.points.map(used)));
  const spark = r.totals.points.length <= SPARK_MAX;
  io.out(`  ${who.padEnd(24)} ${'charged'.padStart(10)} ${'held'.padStart(8)} ${'refunded'.padStart(9)}${spark ? `  per ${r.bucket}, oldest first (charged + held)` : ''}`);
  if (r.series.length === 0) io.out('  nothing used');
  for (const s of r.series) {
    const id = s.key?.startsWith('mem_') ? `  ${s.key}` : '';
    io.out(`  ${s.name.padEnd(24)} ${n(s.credits).padStart(10)} ${n(s.held).padStart(8)} ${n(s.refunded).padStart(9)}${spark ? `  ${sparkline(s.points, top)}` : ''}${id}`);
  }
  const t = r.totals;
  io.out(`  ${'total'.padEnd(24)} ${n(t.credits).padStart(10)} ${n(t.held).padStart(8)} ${n(t.refunded).padStart(9)}`);
  const moved = t.points.map((p, i) => ({ p, i })).filter(({ p }) => p.held !== 0 || p.posted !== 0 || p.refunded !== 0);
  if (moved.length === 0) return;
  io.out('');
  io.out(`  ${r.bucket.padEnd(11)} ${'charged'.padStart(10)} ${'held'.padStart(8)}  by ${who}`);
  for (const { p, i } of moved) {
    const parts = r.series
      .map((s) => ({ name: s.name, q: s.points[i]! }))
      .filter(({ q }) => q.credits !== 0 || q.held !== 0)
      .map(({ name, q }) => `${name} ${[q.credits !== 0 ? n(q.credits) : '', q.held !== 0 ? `${n(q.held)} held` : ''].filter(Boolean).join(' + ')}`);
    io.out(`  ${p.start.padEnd(11)} ${n(p.credits).padStart(10)} ${n(p.held).padStart(8)}  ${parts.join(' · ')}`);
  }
}
