import { fmtCredits } from '../format';

/**
 * Stacked bars in plain SVG: one bar per label, a segment per series (negative values, such as a
 * refund day, stack below the zero line), an optional threshold line, flagged bars outlined. The
 * chart is an image with a text alternative; the numbers are in the table beside it.
 */
export interface BarSeries {
  key: string;
  label: string;
  /** CSS class giving the segment its colour (insight.css). */
  className: string;
}

export interface Bar {
  label: string;
  values: Record<string, number>;
  isFlagged?: boolean;
  /** Text above the bar (e.g. "+33 %"). */
  note?: string;
}

const W = 640;
const H = 190;
const PAD = { top: 18, right: 10, bottom: 26, left: 46 };

function niceMax(x: number): number {
  if (x <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

export function BarChart({ label, series, bars, threshold, format = fmtCredits }: { label: string; series: BarSeries[]; bars: Bar[]; threshold?: { value: number; label: string }; format?: (n: number) => string }) {
  const pos = bars.map((b) => series.reduce((n, s) => n + Math.max(0, b.values[s.key] ?? 0), 0));
  const neg = bars.map((b) => series.reduce((n, s) => n + Math.min(0, b.values[s.key] ?? 0), 0));
  const top = niceMax(Math.max(...pos, threshold?.value ?? 0, 0));
  const bottom = Math.min(...neg, 0) < 0 ? -niceMax(-Math.min(...neg)) : 0;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const y = (v: number) => PAD.top + ((top - v) / (top - bottom)) * innerH;
  const step = innerW / Math.max(1, bars.length);
  const barW = Math.max(2, Math.min(36, step * 0.7));
  const every = Math.ceil(bars.length / 8);
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <title>{label}</title>
      {[top, top / 2, 0, bottom].filter((v, i, a) => a.indexOf(v) === i).map((v) => (
        <g key={v}>
          <line className="grid" x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
          <text className="axis" x={PAD.left - 6} y={y(v) + 4} textAnchor="end">
            {format(v)}
          </text>
        </g>
      ))}
      {bars.map((b, i) => {
        const x = PAD.left + i * step + (step - barW) / 2;
        let up = 0;
        let down = 0;
        return (
          <g key={b.label}>
            {series.map((s) => {
              const v = b.values[s.key] ?? 0;
              if (v === 0) return null;
              const from = v > 0 ? up : down;
              const to = from + v;
              if (v > 0) up = to;
              else down = to;
              return <rect key={s.key} className={s.className} x={x} width={barW} y={y(Math.max(from, to))} height={Math.max(1, Math.abs(y(from) - y(to)))} />;
            })}
            {b.isFlagged && <rect className="flag" x={x - 2} width={barW + 4} y={y(up) - 2} height={Math.max(3, y(down) - y(up) + 4)} />}
            {b.note && (
              <text className={`note${b.isFlagged ? ' flagged' : ''}`} x={x + barW / 2} y={y(up) - 4} textAnchor="middle">
                {b.note}
              </text>
            )}
            {(bars.length - 1 - i) % every === 0 && (
              <text className="axis" x={x + barW / 2} y={H - 8} textAnchor="middle">
                {b.label}
              </text>
            )}
          </g>
        );
      })}
      {threshold && (
        <g>
          <line className="threshold" x1={PAD.left} x2={W - PAD.right} y1={y(threshold.value)} y2={y(threshold.value)} />
          <text className="axis threshold-label" x={PAD.left + 4} y={y(threshold.value) - 4} textAnchor="start">
            {threshold.label}
          </text>
        </g>
      )}
    </svg>
  );
}

export function Legend({ series }: { series: BarSeries[] }) {
  return (
    <ul className="legend" aria-label="Legend">
      {series.map((s) => (
        <li key={s.key}>
          <svg width="10" height="10" aria-hidden="true">
            <rect className={s.className} width="10" height="10" />
          </svg>
          {s.label}
        </li>
      ))}
    </ul>
  );
}
