import { cycleAt, dayOf } from '../../../shared/money/cycles';
import { DRAW_ORDER, poolId, type PoolKind, type Surface } from '../../../shared/money/pools';
import type { PlanConfig } from '../../../shared/money/planSchema';
import { AppError } from '../../../shared/errors';
import type { Source } from './drawPlan';
import { IdempotencyConflictError } from './ledgerErrors';
import { SYS, type AccountRow, type EntryRow, type LedgerStatements, type OpRow } from './ledgerRepo';
import { SpendTotals } from './ledgerSpend';
import { available } from './ledgerViews';

/**
 * The ledger's low-level bookkeeping, used only inside a write transaction (async over the engine port): accounts, op rows with
 * idempotency, double-entry rows with their cached account totals and running spend totals, and the
 * ordered sources of a surface.
 */
export interface Now {
  ms: number;
  iso: string;
  day: string;
}

let lastNow: Now | null = null;

/** The time as the ledger writes it (read many times per write at the same millisecond: formatted once). */
export const nowOf = (ms: number): Now => {
  if (lastNow?.ms !== ms) lastNow = { ms, iso: new Date(ms).toISOString(), day: dayOf(ms) };
  return lastNow;
};

export type OpFields = Partial<Pick<OpRow, 'reservation_id' | 'job_id' | 'project_id' | 'user_id' | 'stage' | 'artifact_class' | 'reason'>>;

/** JSON with sorted keys and no undefined: the form a request is compared in. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortDeep(v));
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortDeep(x);
    }
    return out;
  }
  return v;
}

/** The system accounts every book has (created once, when the ledger opens). */
export async function ensureSystemAccounts(s: LedgerStatements): Promise<void> {
  const t = new Date(0).toISOString();
  for (const [id, neg] of [
    [SYS.issuance, 1],
    [SYS.spend, 0],
    [SYS.expired, 0],
    [SYS.refunds, 1],
    [SYS.provider, 1],
  ] as const) {
    await s.insertAccount.run({ id, pool: null, surface: null, kind: 'system', cycle_start: null, cycle_end: null, may_go_negative: neg, created_at: t });
  }
}

/** One transaction's bookkeeping (made per transaction, over that transaction's statements). */
export class Books {
  readonly spend: SpendTotals;

  constructor(readonly s: LedgerStatements) {
    this.spend = new SpendTotals(s);
  }

  /** An existing op with this id and identical fields (a resend), or undefined for a new id; throws for the same id with other fields. `op`: the row, when the caller has read it already. */
  async existing(id: string, kind: string, request: object, known?: OpRow | null): Promise<OpRow | undefined> {
    const op = known === undefined ? await this.s.op.get({ id }) : (known ?? undefined);
    if (!op) return undefined;
    if (op.kind === kind && op.request === canonicalJson(request)) return op;
    throw new IdempotencyConflictError(id, op.kind, differing(JSON.parse(op.request) as Record<string, unknown>, request, op.kind !== kind));
  }

  async insertOp(id: string, kind: string, request: object, result: object, t: Now, f: OpFields = {}): Promise<void> {
    this.spend.noteOp({ id, project_id: f.project_id ?? null, user_id: f.user_id ?? null });
    await this.s.insertOp.run({
      id,
      kind,
      request: canonicalJson(request),
      result: JSON.stringify(result),
      reservation_id: f.reservation_id ?? null,
      job_id: f.job_id ?? null,
      project_id: f.project_id ?? null,
      user_id: f.user_id ?? null,
      stage: f.stage ?? null,
      artifact_class: f.artifact_class ?? null,
      reason: f.reason ?? null,
      created_at: t.iso,
      day: t.day,
    });
  }

  /** A posted (or, with isPending, a held) transfer. */
  async transfer(id: string, opId: string, debit: string, credit: string, amount: number, t: Now, isPending = false): Promise<void> {
    if (amount <= 0) return;
    await this.s.insertEntry.run({ id, op_id: opId, debit_account: debit, credit_account: credit, amount, is_pending: isPending ? 1 : 0, pending_id: null, resolution: null, created_at: t.iso, day: t.day });
    if (isPending) {
      await this.s.addTotals.run({ id: debit, dp: 0, cp: 0, dpe: amount, cpe: 0 });
      await this.s.addTotals.run({ id: credit, dp: 0, cp: 0, dpe: 0, cpe: amount });
    } else {
      await this.s.addTotals.run({ id: debit, dp: amount, cp: 0, dpe: 0, cpe: 0 });
      await this.s.addTotals.run({ id: credit, dp: 0, cp: amount, dpe: 0, cpe: 0 });
    }
    if (credit === SYS.spend) await this.spend.add(opId, debit, t.day, isPending ? amount : 0, isPending ? 0 : amount);
  }

  /** Resolves a held transfer once: posts `amount` of it (0 = void) and releases the rest. */
  async resolve(id: string, opId: string, hold: EntryRow, amount: number, t: Now): Promise<void> {
    await this.s.insertEntry.run({
      id,
      op_id: opId,
      debit_account: hold.debit_account,
      credit_account: hold.credit_account,
      amount,
      is_pending: 0,
      pending_id: hold.id,
      resolution: amount > 0 ? 'post' : 'void',
      created_at: t.iso,
      day: t.day,
    });
    await this.s.addTotals.run({ id: hold.debit_account, dp: amount, cp: 0, dpe: -hold.amount, cpe: 0 });
    await this.s.addTotals.run({ id: hold.credit_account, dp: 0, cp: amount, dpe: 0, cpe: -hold.amount });
    if (hold.credit_account === SYS.spend) await this.spend.resolved({ opId: hold.op_id, account: hold.debit_account, day: hold.day, amount: hold.amount }, opId, t.day, amount);
  }

  /** The account a pool's credits go to now (creating it): the current cycle's for an allowance. */
  async poolAccount(plan: PlanConfig, surface: Surface, kind: PoolKind, t: Now): Promise<string> {
    if (kind === 'allowance') {
      const a = plan.pools[surface]?.allowance;
      if (!a) {
        throw new AppError('VALIDATION', `pool: plan ${plan.plan.name} has no allowance on ${surface}; use ${surface}:grant for a one-time grant`, { field: 'pool' });
      }
      const c = cycleAt(t.ms, a);
      const id = `${surface}:allowance:${c.start}`;
      await this.s.insertAccount.run({ id, pool: poolId(surface, 'allowance'), surface, kind, cycle_start: c.start, cycle_end: c.end, may_go_negative: 0, created_at: t.iso });
      return id;
    }
    const id = poolId(surface, kind);
    await this.s.insertAccount.run({ id, pool: id, surface, kind, cycle_start: null, cycle_end: null, may_go_negative: 0, created_at: t.iso });
    return id;
  }

  /** A surface's open accounts in draw order (allowances soonest-ending first, then grant, then purchased). */
  async sources(surface: Surface): Promise<Source[]> {
    return (await this.accountsOf([surface])).sources(surface);
  }

  /** Available credits per pool of the given surfaces (pools with an account). */
  async snapshot(surfaces: Iterable<Surface>): Promise<Record<string, number>> {
    return (await this.accountsOf(surfaces)).snapshot();
  }

  /**
   * The accounts of these surfaces, one read per surface: a reserve or a settle takes its snapshot, its
   * sources and its accounts' surfaces from the same rows (they cannot change within its transaction).
   */
  async accountsOf(surfaces: Iterable<Surface>): Promise<SurfaceAccounts> {
    const bySurface = new Map<Surface, Map<string, AccountRow[]>>();
    for (const s of surfaces) {
      const pools = new Map<string, AccountRow[]>();
      for (const a of await this.s.accountsOfSurface.all({ surface: s })) {
        const list = pools.get(a.pool!);
        if (list) list.push(a);
        else pools.set(a.pool!, [a]);
      }
      bySurface.set(s, pools);
    }
    return new SurfaceAccounts(bySurface);
  }

  async isClosed(account: string): Promise<boolean> {
    return ((await this.s.account.get({ id: account }))?.closed_at ?? null) !== null;
  }
}

function differing(before: Record<string, unknown>, now: object, kindDiffers: boolean): string[] {
  const out = kindDiffers ? ['kind'] : [];
  const after = JSON.parse(canonicalJson(now)) as Record<string, unknown>;
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (canonicalJson(before[k]) !== canonicalJson(after[k])) out.push(k);
  }
  return out;
}

/** A surface's accounts by pool, each pool's in cycle order, as Books.accountsOf read them. */
export class SurfaceAccounts {
  constructor(private readonly bySurface: ReadonlyMap<Surface, ReadonlyMap<string, AccountRow[]>>) {}

  /** Available credits per pool (pools with an account). */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [s, pools] of this.bySurface) {
      for (const kind of DRAW_ORDER) {
        const rows = pools.get(poolId(s, kind));
        if (rows && rows.length > 0) out[poolId(s, kind)] = rows.reduce((n, a) => n + available(a), 0);
      }
    }
    return out;
  }

  /** The surface's open accounts in draw order (allowances soonest-ending first, then grant, then purchased). */
  sources(surface: Surface): Source[] {
    const out: Source[] = [];
    const pools = this.bySurface.get(surface);
    for (const kind of DRAW_ORDER) {
      for (const a of pools?.get(poolId(surface, kind)) ?? []) {
        if (a.closed_at === null) out.push({ account: a.id, pool: a.pool!, available: available(a) });
      }
    }
    return out;
  }

  /** One of these accounts by id (undefined: not of these surfaces). */
  account(id: string): AccountRow | undefined {
    for (const pools of this.bySurface.values()) for (const rows of pools.values()) for (const a of rows) if (a.id === id) return a;
    return undefined;
  }
}

/** Adds per-pool deltas to a snapshot (a copy). */
export function withDeltas(before: Record<string, number>, deltas: Record<string, number>): Record<string, number> {
  const out = { ...before };
  for (const [p, d] of Object.entries(deltas)) out[p] = (out[p] ?? 0) + d;
  return out;
}
