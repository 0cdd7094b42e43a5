/** Display helpers for the dashboards. */
export const pct = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 1000) / 10} %`);
export const signedPct = (x: number | null): string => (x === null ? '' : `${x >= 0 ? '+' : '−'}${Math.round(Math.abs(x) * 1000) / 10} %`);
export const duration = (ms: number | null): string => {
  if (ms === null) return '—';
  if (ms >= 3_600_000) return `${Math.round(ms / 360_000) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 100) / 10} s`;
};
export const rate = (x: number | null, digits = 2): string => (x === null ? '—' : x.toFixed(digits));
