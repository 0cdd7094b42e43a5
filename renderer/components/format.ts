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
/**
 * The one way the app writes a moment: the user's local time, month and day, hours and minutes
 * ("Nov 22, 3:05 PM" in en-US). Takes epoch ms or an ISO string.
 */
export const fmtTime = (t: number | string): string => new Date(t).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
/** The one way the app writes a calendar day ("2026-11-23" → "Nov 23"): the day as recorded, not shifted by the time zone. */
export const fmtDay = (day: string): string => new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** Credits as an admin types them ("1,000" → 1000; blank → null, none); anything else is named back with `what`. */
export function creditsText(text: string, what: string): number | null {
  const t = text.replace(/[,\s]/g, '');
  if (t === '') return null;
  const n = Number(t);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what}: a whole number of credits, or blank for none`);
  return n;
}
