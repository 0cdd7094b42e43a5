import { z } from 'zod';
import { ArtifactClass } from './params';
import { Credits, PoolIdSchema, PoolKind, PositiveCredits, SignedCredits, Surface } from './pools';

/**
 * The credit ledger's requests and views, shared by core (CreditLedger), the contract and the UI.
 * Every write carries an idempotency `id` the caller creates and keeps: an identical resend changes
 * nothing and returns the first result; the same id with different fields is refused (CONFLICT).
 */
export const OpId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:#@/-]+$/, 'must be letters, digits and . _ : # @ / - (an idempotency id you keep and reuse on retry)');

/** Where spend happens, for the dashboards: generate (previews), refine, upscale, export (release). */
export const Stage = z.enum(['generate', 'refine', 'upscale', 'export']);
export type Stage = z.infer<typeof Stage>;

export const OpKind = z.enum(['grant', 'allowance', 'purchase', 'adjust', 'reserve', 'capture', 'void', 'debit', 'refund', 'expire', 'provider_sync']);
export type OpKind = z.infer<typeof OpKind>;

/** Available credits per pool, e.g. { "web:allowance": 600, "web:purchased": 1000 }. */
export const PoolCredits = z.record(z.string(), z.number().int());
export type PoolCredits = z.infer<typeof PoolCredits>;

export const ReserveRequest = z
  .object({
    id: OpId,
    jobId: z.string().min(1),
    projectId: z.string().min(1).nullable(),
    userId: z.string().min(1).nullable().optional(),
    stage: Stage,
    artifactClass: ArtifactClass,
    /** Credits per surface (an Estimate's `pools`); each is drawn from that surface's pools in draw order. */
    amounts: z.partialRecord(Surface, Credits),
  })
  .strict();
export type ReserveRequest = z.input<typeof ReserveRequest>;

export const ReservationLeg = z.object({
  pool: z.string(),
  account: z.string(),
  credits: z.number().int(),
  /** Credits captured from this leg, once resolved (0 when voided). */
  captured: z.number().int().nullable(),
});

export const Reservation = z.object({
  id: z.string(),
  jobId: z.string(),
  projectId: z.string().nullable(),
  userId: z.string().nullable(),
  stage: Stage,
  artifactClass: ArtifactClass,
  state: z.enum(['pending', 'captured', 'voided']),
  amounts: z.partialRecord(Surface, z.number().int()),
  reserved: z.number().int(),
  captured: z.number().int().nullable(),
  legs: z.array(ReservationLeg),
  creditsBefore: PoolCredits,
  creditsAfter: PoolCredits,
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
});
export type Reservation = z.infer<typeof Reservation>;

export const Settlement = z.object({
  opId: z.string(),
  reservationId: z.string(),
  kind: z.enum(['capture', 'void']),
  reserved: z.number().int(),
  /** What the job really cost (the provider's final cost); 0 for a void. */
  actual: z.number().int(),
  captured: z.number().int(),
  released: z.number().int(),
  /** actual > reserved: capped (not charged), or a separate debit that was or was not charged. */
  excess: z.object({ credits: z.number().int(), policy: z.enum(['cap', 'debit']), charged: z.boolean(), reason: z.string().nullable() }).nullable(),
  reason: z.string().nullable(),
  creditsBefore: PoolCredits,
  creditsAfter: PoolCredits,
  /** True when this call was an identical resend: nothing changed. */
  replayed: z.boolean(),
});
export type Settlement = z.infer<typeof Settlement>;

export const GrantRequest = z
  .object({ id: OpId, pool: PoolIdSchema, credits: PositiveCredits, reason: z.string().max(500).optional() })
  .strict()
  .refine((g) => !g.pool.endsWith(':purchased'), { message: 'grant to an allowance or grant pool; record bought credits with purchase', path: ['pool'] });
export type GrantRequest = z.input<typeof GrantRequest>;

export const PurchaseRequest = z.object({ id: OpId, surface: Surface, credits: PositiveCredits, reason: z.string().max(500).optional() }).strict();
export type PurchaseRequest = z.input<typeof PurchaseRequest>;

export const AdjustRequest = z
  .object({
    id: OpId,
    pool: PoolIdSchema,
    /** Signed: positive adds credits, negative removes available ones. */
    credits: SignedCredits,
    reason: z.string().trim().min(3, 'say why (an adjustment needs a reason)').max(500),
  })
  .strict();
export type AdjustRequest = z.input<typeof AdjustRequest>;

export const RefundRequest = z.object({ id: OpId, reservationId: z.string().min(1), credits: PositiveCredits, reason: z.string().min(1).max(500) }).strict();
export type RefundRequest = z.input<typeof RefundRequest>;

export const PoolBalance = z.object({
  pool: z.string(),
  surface: Surface,
  kind: PoolKind,
  /** Credits in the pool (granted/bought minus captured/expired). */
  posted: z.number().int(),
  /** Credits held by live reservations. */
  reserved: z.number().int(),
  /** posted − reserved: what a new job can draw. */
  available: z.number().int(),
  /** When the allowance resets (and unused allowance expires); null for pools that never expire. */
  resetsAt: z.string().nullable(),
});
export type PoolBalance = z.infer<typeof PoolBalance>;

export const Balances = z.object({
  pools: z.array(PoolBalance),
  surfaces: z.array(z.object({ surface: Surface, posted: z.number().int(), reserved: z.number().int(), available: z.number().int() })),
  asOf: z.string(),
});
export type Balances = z.infer<typeof Balances>;

export const HistoryFilter = z
  .object({
    pool: PoolIdSchema.optional(),
    surface: Surface.optional(),
    projectId: z.string().optional(),
    userId: z.string().optional(),
    jobId: z.string().optional(),
    stage: Stage.optional(),
    artifactClass: ArtifactClass.optional(),
    kind: OpKind.optional(),
    /** "2026-11-22" (UTC day). */
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day like 2026-11-22').optional(),
    limit: z.number().int().min(1).max(10_000).default(500),
  })
  .strict();
export type HistoryFilter = z.input<typeof HistoryFilter>;

/** One movement of credits in or out of a pool, newest first in history(). */
export const HistoryEntry = z.object({
  entryId: z.string(),
  opId: z.string(),
  kind: OpKind,
  pool: z.string(),
  account: z.string(),
  /** Signed change to the pool: + in, − out (a reservation's hold is − with isPending). */
  credits: z.number().int(),
  isPending: z.boolean(),
  reservationId: z.string().nullable(),
  jobId: z.string().nullable(),
  projectId: z.string().nullable(),
  userId: z.string().nullable(),
  stage: Stage.nullable(),
  artifactClass: ArtifactClass.nullable(),
  reason: z.string().nullable(),
  day: z.string(),
  createdAt: z.string(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;
