import { z } from 'zod';

/**
 * The provider's books beside ours (Runway's API organization against the `api` pools): the last
 * reading of its balance compared with the books, and the daily usage reconciliation. Shared by core,
 * the contract (credits.balances, credits.provider, credits.audit) and the Ledger tab.
 */
export const ProviderReadReason = z.enum(['start', 'submit', 'settle', 'manual']);
export type ProviderReadReason = z.infer<typeof ProviderReadReason>;

export const ProviderComparison = z.object({
  provider: z.literal('runway'),
  /** The pool a provider_sync entry credits or debits. */
  pool: z.string(),
  /** Runway's creditBalance at the reading. */
  providerCredits: z.number().int(),
  /** The books' figure after this reading: credits posted to the API pools, less what Runway already holds for our tasks in flight. */
  booksCredits: z.number().int(),
  /** Credits Runway holds for this app's tasks still in flight (taken at create, settled at the end). */
  heldAtProvider: z.number().int(),
  /** Provider − books as this reading found it, before any mirroring (− spent elsewhere, + added at Runway). */
  drift: z.number().int(),
  /** Credits a provider_sync entry moved into the books for this reading (0 when nothing was mirrored). */
  mirrored: z.number().int(),
  /** Drift still standing after this reading (not mirrored: tasks in flight, or reservations hold the credits). */
  outstanding: z.number().int(),
  /** A plain sentence: "in step", "spent elsewhere: 60 credits", … */
  explanation: z.string(),
  why: ProviderReadReason,
  /** When Runway was read, and when the books were compared (ISO). */
  readAt: z.string(),
  comparedAt: z.string(),
});
export type ProviderComparison = z.infer<typeof ProviderComparison>;

export const UsageMismatch = z.object({
  /** UTC day, YYYY-MM-DD. */
  date: z.string(),
  model: z.string(),
  /** What Runway's usage endpoint says the organization used that day on that model. */
  providerCredits: z.number().int(),
  /** What this app's books charged for Runway tasks of that model that day. */
  booksCredits: z.number().int(),
  explanation: z.string(),
});
export type UsageMismatch = z.infer<typeof UsageMismatch>;

export const UsageCheck = z.object({
  provider: z.literal('runway'),
  checkedAt: z.string(),
  startDate: z.string(),
  beforeDate: z.string(),
  /** Day × model pairs compared (either side non-zero). */
  compared: z.number().int(),
  mismatches: z.array(UsageMismatch),
  /** Why the check could not run (Runway unreachable…); null when it ran. */
  error: z.string().nullable(),
});
export type UsageCheck = z.infer<typeof UsageCheck>;
