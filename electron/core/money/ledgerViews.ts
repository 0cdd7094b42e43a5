import type { z } from 'zod';
import { HistoryFilter, type Balances, type HistoryEntry, type PoolBalance, type Reservation } from '../../../shared/money/ledgerTypes';
import type { PlanConfig } from '../../../shared/money/planSchema';
import { parsePoolId, poolId, SURFACES, type Surface } from '../../../shared/money/pools';
import type { AccountRow, EntryRow, LedgerStatements, OpRow } from './ledgerRepo';

/**
 * Read-only views over the ledger tables: reservations, balances, history and the audit that checks
 * the books (L1 books balance, L2 no overdraft counting reservations, L5 cached totals match entries).
 */

/** "web:allowance:2026-11-01" → "web:allowance". */
export function poolOfAccount(account: string): string {
  // The text up to the second colon (the whole id when it has fewer); runs several times a job, so no split.
  const first = account.indexOf(':');
  const second = first < 0 ? -1 : account.indexOf(':', first + 1);
  return second < 0 ? account : account.slice(0, second);
}

export async function reservationView(s: LedgerStatements, op: OpRow): Promise<Reservation> {
  const req = JSON.parse(op.request) as { amounts: Reservation['amounts'] };
  const res = JSON.parse(op.result) as { creditsBefore: Record<string, number>; creditsAfter: Record<string, number> };
  const holds = (await s.entriesOfOp.all({ op: op.id })).filter((e) => e.is_pending === 1);
  const resolution = await s.resolutionOf.get({ rid: op.id });
  const posted = new Map<string, number>();
  let after = res.creditsAfter;
  if (resolution) {
    for (const e of await s.entriesOfOp.all({ op: resolution.id })) if (e.pending_id) posted.set(e.pending_id, e.amount);
    after = (JSON.parse(resolution.result) as { creditsAfter: Record<string, number> }).creditsAfter;
  }
  const legs = holds.map((h) => ({
    pool: poolOfAccount(h.debit_account),
    account: h.debit_account,
    credits: h.amount,
    captured: resolution ? (posted.get(h.id) ?? 0) : null,
  }));
  return {
    id: op.id,
    jobId: op.job_id ?? '',
    projectId: op.project_id,
    userId: op.user_id,
    stage: op.stage as Reservation['stage'],
    artifactClass: op.artifact_class as Reservation['artifactClass'],
    state: !resolution ? 'pending' : resolution.kind === 'capture' ? 'captured' : 'voided',
    amounts: req.amounts,
    reserved: legs.reduce((n, l) => n + l.credits, 0),
    captured: resolution ? legs.reduce((n, l) => n + (l.captured ?? 0), 0) : null,
    legs,
    creditsBefore: res.creditsBefore,
    creditsAfter: after,
    createdAt: op.created_at,
    resolvedAt: resolution?.created_at ?? null,
    resolvedBy: resolution?.id ?? null,
  };
}

/** Reservations in the order of their ops (one read of entries per reservation). */
export async function reservationViews(s: LedgerStatements, ops: OpRow[]): Promise<Reservation[]> {
  const out: Reservation[] = [];
  for (const op of ops) out.push(await reservationView(s, op));
  return out;
}

export function available(a: AccountRow): number {
  return a.credits_posted - a.debits_posted - a.debits_pending;
}

/** The pools the plan has (a surface's allowance, grants, purchases): balances list these even when empty. */
export function configuredPools(plan: PlanConfig): string[] {
  const out: string[] = [];
  for (const s of SURFACES) {
    const r = plan.pools[s];
    if (!r) continue;
    if (r.allowance) out.push(poolId(s, 'allowance'));
    if (r.grants.length > 0) out.push(poolId(s, 'grant'));
    if (r.purchase.allowed) out.push(poolId(s, 'purchased'));
  }
  return out;
}

export async function readBalances(s: LedgerStatements, configured: readonly string[], asOf: string): Promise<Balances> {
  const byPool = new Map<string, PoolBalance>();
  const ensure = (pool: string): PoolBalance | undefined => {
    const parsed = parsePoolId(pool);
    if (!parsed) return undefined;
    let b = byPool.get(pool);
    if (!b) {
      b = { pool, surface: parsed.surface, kind: parsed.kind, posted: 0, reserved: 0, available: 0, resetsAt: null };
      byPool.set(pool, b);
    }
    return b;
  };
  for (const p of configured) ensure(p);
  for (const a of await s.poolAccounts.all()) {
    const b = ensure(a.pool!);
    if (!b) continue;
    b.posted += a.credits_posted - a.debits_posted;
    b.reserved += a.debits_pending;
    b.available += available(a);
    if (a.kind === 'allowance' && a.closed_at === null && a.cycle_end && (b.resetsAt === null || a.cycle_end > b.resetsAt)) b.resetsAt = a.cycle_end;
  }
  const pools = [...byPool.values()].sort((x, y) => x.pool.localeCompare(y.pool));
  const surfaces = new Map<Surface, { surface: Surface; posted: number; reserved: number; available: number }>();
  for (const p of pools) {
    const t = surfaces.get(p.surface) ?? { surface: p.surface, posted: 0, reserved: 0, available: 0 };
    t.posted += p.posted;
    t.reserved += p.reserved;
    t.available += p.available;
    surfaces.set(p.surface, t);
  }
  return { pools, surfaces: [...surfaces.values()], asOf };
}

type HistoryRow = Awaited<ReturnType<LedgerStatements['history']['all']>>[number];

/** The history filter as the contract parsed it; `limit` may be left out by callers inside core (the contract's default then). */
export type HistoryQuery = Omit<z.output<typeof HistoryFilter>, 'limit'> & { limit?: number };
const DEFAULT_HISTORY_LIMIT = HistoryFilter.parse({}).limit;

/** The entries the filter matches, as the contract shows them (credits signed from the pool's side). */
export async function readHistory(s: LedgerStatements, f: HistoryQuery): Promise<HistoryEntry[]> {
  const rows: HistoryRow[] = await s.history.all({
    pool: f.pool ?? null,
    surface: f.surface ?? null,
    project: f.projectId ?? null,
    user: f.userId ?? null,
    job: f.jobId ?? null,
    stage: f.stage ?? null,
    class: f.artifactClass ?? null,
    kind: f.kind ?? null,
    day: f.day ?? null,
    limit: f.limit ?? DEFAULT_HISTORY_LIMIT,
  });
  return rows.map((r) => {
    const sign = r.pool_is_debit ? -1 : 1;
    return {
      entryId: r.entry_id,
      opId: r.op_id,
      kind: r.op_kind as HistoryEntry['kind'],
      pool: r.pool,
      account: r.account,
      credits: r.amount === 0 ? 0 : sign * r.amount,
      isPending: r.is_pending === 1,
      reservationId: r.op_kind === 'reserve' ? r.op_id : r.reservation_id,
      jobId: r.job_id,
      projectId: r.project_id,
      userId: r.user_id,
      stage: r.stage as HistoryEntry['stage'],
      artifactClass: r.artifact_class as HistoryEntry['artifactClass'],
      reason: r.reason,
      day: r.entry_day,
      createdAt: r.entry_created,
    };
  });
}

export interface AuditReport {
  ok: boolean;
  problems: string[];
  totals: { debitsPosted: number; creditsPosted: number; debitsPending: number; creditsPending: number };
}

/** Rebuilds every account's totals from the entries and checks them against the cached ones and the invariants. */
export async function audit(s: LedgerStatements): Promise<AuditReport> {
  const problems: string[] = [];
  const accounts = await s.allAccounts.all();
  const rebuilt = new Map<string, { dp: number; cp: number; dpe: number; cpe: number }>();
  for (const a of accounts) rebuilt.set(a.id, { dp: 0, cp: 0, dpe: 0, cpe: 0 });
  const pendingAmount = new Map<string, EntryRow>();
  for (const e of await s.allEntries.all()) {
    const d = rebuilt.get(e.debit_account);
    const c = rebuilt.get(e.credit_account);
    if (!d || !c) {
      problems.push(`entry ${e.id} names an unknown account`);
      continue;
    }
    if (e.is_pending) {
      pendingAmount.set(e.id, e);
      d.dpe += e.amount;
      c.cpe += e.amount;
    } else if (e.pending_id) {
      const p = pendingAmount.get(e.pending_id);
      if (!p) problems.push(`entry ${e.id} resolves ${e.pending_id}, which is not an earlier pending entry`);
      else if (p.debit_account !== e.debit_account || p.credit_account !== e.credit_account) problems.push(`entry ${e.id} resolves ${p.id} between other accounts`);
      else if (e.amount > p.amount) problems.push(`entry ${e.id} posts ${e.amount}, more than the ${p.amount} held`);
      else {
        d.dpe -= p.amount;
        c.cpe -= p.amount;
        d.dp += e.amount;
        c.cp += e.amount;
      }
    } else {
      d.dp += e.amount;
      c.cp += e.amount;
    }
  }
  for (const a of accounts) {
    const r = rebuilt.get(a.id)!;
    if (r.dp !== a.debits_posted || r.cp !== a.credits_posted || r.dpe !== a.debits_pending || r.cpe !== a.credits_pending) {
      problems.push(`account ${a.id}: cached totals differ from its entries`);
    }
  }
  return checkAccounts(accounts, problems);
}

/**
 * The startup check: the accounts' cached totals balance (L1) and no account is overdrawn counting
 * reservations (L2). It reads the accounts only, so opening the books costs the same at any length of
 * history; the entries are rebuilt against those totals by the full audit (`ledger audit`).
 */
export async function checkTotals(s: LedgerStatements): Promise<AuditReport> {
  return checkAccounts(await s.allAccounts.all(), []);
}

function checkAccounts(accounts: readonly AccountRow[], problems: string[]): AuditReport {
  const totals = { debitsPosted: 0, creditsPosted: 0, debitsPending: 0, creditsPending: 0 };
  for (const a of accounts) {
    if (!a.may_go_negative && a.debits_posted + a.debits_pending > a.credits_posted) problems.push(`account ${a.id} is overdrawn`);
    totals.debitsPosted += a.debits_posted;
    totals.creditsPosted += a.credits_posted;
    totals.debitsPending += a.debits_pending;
    totals.creditsPending += a.credits_pending;
  }
  if (totals.debitsPosted !== totals.creditsPosted) problems.push(`posted debits ${totals.debitsPosted} ≠ posted credits ${totals.creditsPosted}`);
  if (totals.debitsPending !== totals.creditsPending) problems.push(`pending debits ${totals.debitsPending} ≠ pending credits ${totals.creditsPending}`);
  return { ok: problems.length === 0, problems, totals };
}
