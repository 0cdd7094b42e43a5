import type { BurnPoint } from '../../../shared/contract/insightTypes';
import { fmtCredits, fmtDay } from '../format';

/**
 * A pool's burn-down in plain SVG: the balance at the end of each past day (solid), today, and the
 * projection to the horizon — planned work first, then the current pace (dashed). Below zero is
 * shaded: the pool would run dry there.
 */
const W = 640;
const H = 170;
const PAD = { top: 14, right: 12, bottom: 24, left: 56 };

export function BurnDownChart({ label, points }: { label: string; points: BurnPoint[] }) {
  if (points.length < 2) return <p className="muted">Not enough history to draw yet.</p>;
  const values = points.map((p) => p.credits);
  const max = Math.max(...values, 1);
  const min = Math.min(...values, 0);
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (i / (points.length - 1)) * innerW;
  const y = (v: number) => PAD.top + ((max - v) / (max - min || 1)) * innerH;
  const firstProjected = points.findIndex((p) => p.isProjected);
  const split = firstProjected === -1 ? points.length : firstProjected;
  const path = (from: number, to: number) =>
    points
      .slice(from, to)
      .map((p, k) => `${k === 0 ? 'M' : 'L'}${x(from + k).toFixed(1)},${y(p.credits).toFixed(1)}`)
      .join(' ');
  const today = split - 1;
  return (
    <svg className="chart burndown" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <title>{label}</title>
      {min < 0 && <rect className="below-zero" x={PAD.left} width={innerW} y={y(0)} height={y(min) - y(0)} />}
      {[max, 0, ...(min < 0 ? [min] : [])].map((v) => (
        <g key={v}>
          <line className="grid" x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
          <text className="axis" x={PAD.left - 6} y={y(v) + 4} textAnchor="end">
            {fmtCredits(v)}
          </text>
        </g>
      ))}
      <path className="line past" d={path(0, split)} />
      {firstProjected !== -1 && <path className="line projected" d={path(today, points.length)} />}
      <circle className="today" cx={x(today)} cy={y(points[today]!.credits)} r="3.5" />
      {x(today) - PAD.left > 90 && (
        <text className="axis" x={PAD.left} y={H - 6}>
          {fmtDay(points[0]!.day)}
        </text>
      )}
      <text className="axis" x={x(today)} y={H - 6} textAnchor={x(today) - PAD.left > 30 ? 'middle' : 'start'}>
        today
      </text>
      {W - PAD.right - x(today) > 90 && (
        <text className="axis" x={W - PAD.right} y={H - 6} textAnchor="end">
          {fmtDay(points[points.length - 1]!.day)}
        </text>
      )}
    </svg>
  );
}
