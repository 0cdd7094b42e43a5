import { ApiError } from '../api/client';

/** The message to show for a failed action: core's own words when it sent them. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
