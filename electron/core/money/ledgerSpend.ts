import { cycleAt, nextDayStart } from '../../../shared/money/cycles';
import type { GuardState } from '../../../shared/money/guards';
import type { Balances } from '../../../shared/money/ledgerTypes';
import type { PlanConfig } from '../../../shared/money/planSchema';
import { parsePoolId, SURFACES, type PoolId, type Surface } from '../../../shared/money/pools';
import type { Now } from './ledgerBooks';
import type { LedgerStatements, OpRow, SpendRow, SpendScope } from './ledgerRepo';
import { nextMonthStart, type LimitState } from '../../../shared/money/limits';
import { poolOfAccount } from './ledgerViews';

/**
 * Running spend totals (ledger_spend): what the guard and the spend notices read instead of summing
 * entries, so a submit costs the same however long the books are. Books calls `held`/`posted`/`resolved`
 * for every entry crediting sys:spend, inside the transaction that writes the entry; `auditSpend` checks
 * the totals against a full recomputation from the entries.
 */
type OpKeys = Pick<OpRow, 'id' | 'project_id' | 'user_id'>;

export class SpendTotals {
  /** The ops this transaction wrote or read already (an entry's op is nearly always the one just inserted; a settle's hold is its reservation's). */
  private readonly known = new Map<string, OpKeys>();

  constructor(private readonly s: LedgerStatements) {}

  noteOp(op: OpKeys): void {
    this.known.set(op.id, { id: op.id, project_id: op.project_id, user_id: op.user_id });
  }

  /** A hold (pending) or a post on `day` from `account`, under op `opId`. */
  async add(opId: string, account: string, day: string, held: number, posted: number): Promise<void> {
    if (held === 0 && posted === 0) return;
    const month = day.slice(0, 7);
    for (const [scope, key] of await this.keys(opId, account)) await this.s.addSpend.run({ scope, key, day, month, held, posted });
  }

  /** A hold made under `holdOpId` on `holdDay` resolved by `opId` today, posting `posted` of its `held`. */
  async resolved(hold: { opId: string; account: string; day: string; amount: number }, opId: string, day: string, posted: number): Promise<void> {
    const month = hold.day.slice(0, 7);
    for (const [scope, key] of await this.keys(hold.opId, hold.account)) await this.s.releaseHeld.run({ scope, key, day: hold.day, month, n: hold.amount });
    await this.add(opId, hold.account, day, 0, posted);
  }

  async of(scope: SpendScope, key: string, period: string): Promise<{ held: number; posted: number }> {
    const r = await this.s.spendOf.get({ scope, key, period });
    return { held: r?.held ?? 0, posted: r?.posted ?? 0 };
  }

  private async keys(opId: string, account: string): Promise<[SpendScope, string][]> {
    const op = this.known.get(opId) ?? (await this.s.op.get({ id: opId }));
    const out: [SpendScope, string][] = [['pool', poolOfAccount(account)]];
    if (op?.project_id) out.push(['project', op.project_id]);
    if (op?.user_id) out.push(['user', op.user_id]);
    return out;
  }
}

/** Running totals against the entries: one problem per row that differs. */
export async function auditSpend(s: LedgerStatements): Promise<string[]> {
  const id = (r: SpendRow) => `${r.scope} ${r.key} ${r.period}`;
  const kept = new Map((await s.allSpend.all()).map((r) => [id(r), r]));
  const problems: string[] = [];
  for (const r of await s.spendFromEntries.all()) {
    const k = kept.get(id(r));
    kept.delete(id(r));
    if (!k || k.held !== r.held || k.posted !== r.posted) {
      problems.push(`spend total ${id(r)}: kept held ${k?.held ?? 0} posted ${k?.posted ?? 0}, entries say held ${r.held} posted ${r.posted}`);
    }
  }
  for (const k of kept.values()) problems.push(`spend total ${id(k)}: kept held ${k.held} posted ${k.posted}, entries say none`);
  return problems;
}

/**
 * The guard's view of recorded spend: balances per pool, today's spend per surface, the project's spend
 * and budget and the limits an admin set for the member and the project (with their spend today and
 * this month), from running totals: two reads (limits, spend) besides the day's pools, however long the books are.
 */
export async function guardStateOf(a: { balances: Balances; plan: PlanConfig; s: LedgerStatements; projectId: string | null; userId: string | null; t: Now }): Promise<GuardState> {
  const available: Partial<Record<PoolId, number>> = {};
  for (const p of a.balances.pools) available[p.pool as PoolId] = p.available;
  const spentToday: Partial<Record<Surface, number>> = {};
  for (const r of await a.s.poolSpendIn.all({ period: a.t.day })) {
    const surface = parsePoolId(r.key)?.surface;
    if (surface) spentToday[surface] = (spentToday[surface] ?? 0) + r.n;
  }
  const resetsAt: Partial<Record<Surface, string | null>> = {};
  for (const s of SURFACES) {
    spentToday[s] ??= 0;
    const allowance = a.plan.pools[s]?.allowance;
    resetsAt[s] = allowance ? cycleAt(a.t.ms, allowance).end : null;
  }
  const { projectId, userId } = a;
  const limits = projectId || userId ? await a.s.limitsForGuard.all({ project: projectId, user: userId }) : [];
  const budget = limits.find((r) => r.scope === 'budget')?.monthly ?? null;
  const user = userId ? limits.find((r) => r.scope === 'user') : undefined;
  const projectDaily = projectId ? (limits.find((r) => r.scope === 'project')?.daily ?? null) : null;
  const month = a.t.day.slice(0, 7);
  const spent = projectId || user ? await a.s.spendForGuard.all({ project: projectId, user: user ? userId : null, day: a.t.day, month }) : [];
  const of = (scope: SpendScope, period: string) => spent.find((r) => r.scope === scope && r.period === period)?.n ?? 0;
  const limitState: LimitState = { monthResetsAt: nextMonthStart(a.t.ms) };
  if (user && userId) limitState.user = { id: userId, name: user.name, spentToday: of('user', a.t.day), spentMonth: of('user', month), monthly: user.monthly, daily: user.daily };
  if (projectDaily !== null) limitState.projectDaily = { spentToday: of('project', a.t.day), daily: projectDaily };
  return {
    available,
    spentToday,
    resetsAt,
    dayResetsAt: nextDayStart(a.t.ms),
    ...(projectId ? { project: { id: projectId, spent: of('project', 'all'), budget } } : {}),
    ...(limitState.user || limitState.projectDaily ? { limits: limitState } : {}),
  };
}
