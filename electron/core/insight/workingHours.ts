import type { WorkingHours } from '../../../shared/contract/insightTypes';
import { addDays, dayOf } from './insightTime';

/** Working hours in the user's local time (UTC + offset). Pure. */
export function localDayOf(ms: number, w: WorkingHours): string {
  return dayOf(ms + w.utcOffsetMinutes * 60_000);
}

export function isWorkingTime(ms: number, w: WorkingHours): boolean {
  const local = new Date(ms + w.utcOffsetMinutes * 60_000);
  const hour = local.getUTCHours();
  return w.days.includes(local.getUTCDay()) && hour >= w.startHour && hour < w.endHour;
}

export function isWorkingDay(day: string, w: WorkingHours): boolean {
  return w.days.includes(new Date(`${day}T00:00:00Z`).getUTCDay());
}

/** The next working day after `day` (Friday → Monday on a Monday–Friday week). */
export function nextWorkingDay(day: string, w: WorkingHours): string {
  let d = addDays(day, 1);
  for (let i = 0; i < 7 && !isWorkingDay(d, w); i++) d = addDays(d, 1);
  return d;
}
