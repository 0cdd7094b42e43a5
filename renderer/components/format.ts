import type { Surface } from '../../shared/money/pools';
import { SURFACE_LABEL } from '../../shared/money/pools';

/** Display helpers: integer credits with separators, seconds, surfaces in words. */
export const fmtCredits = (n: number): string => Math.round(n).toLocaleString('en-US');
export const fmtSec = (s: number | null): string => (s === null ? '—' : `${Number.isInteger(s) ? s : s.toFixed(1)} s`);
export const surfaceLabel = (s: Surface): string => {
  const l = SURFACE_LABEL[s];
  return l.charAt(0).toUpperCase() + l.slice(1);
};
export const fmtPercent = (x: number): string => `${Math.round(x * 100)} %`;
export const fmtTime = (ms: number): string => new Date(ms).toLocaleString();
