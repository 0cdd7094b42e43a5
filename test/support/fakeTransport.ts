import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { contract, type CallName, type CallOutput, type CallParsedInput, type EventName, type EventPayload } from '../../shared/contract';
import { AppError, isAppError, validationError, type Result } from '../../shared/errors';
import { compare } from '../../shared/money/compare';
import { estimate } from '../../shared/money/estimate';
import { guard } from '../../shared/money/guards';
import { EstimateParams } from '../../shared/money/params';
import { PlanConfig } from '../../shared/money/planSchema';
import type { PoolId, Surface } from '../../shared/money/pools';
import { RateCard } from '../../shared/money/rateCardSchema';
import type { CallOptions, Transport } from '../../renderer/api/transport';

type Handler<K extends CallName> = (input: CallParsedInput<K>) => CallOutput<K> | Promise<CallOutput<K>>;
export type FakeHandlers = { [K in CallName]?: Handler<K> };

/**
 * A Transport for renderer tests: calls are parsed with the contract's own schemas (so a wrong input
 * fails as it would against core), answered by the handlers given, and recorded; events are pushed
 * with `emit`. An unhandled call fails loudly.
 */
export class FakeTransport implements Transport {
  readonly kind = 'http' as const;
  readonly calls: { name: string; input: unknown; opts: CallOptions | undefined }[] = [];
  private readonly listeners = new Map<string, Set<(p: unknown) => void>>();

  /** The session's role (reviewer and producer links see less of the app). */
  sessionRole: 'reviewer' | 'producer' | 'owner' = 'owner';

  constructor(public handlers: FakeHandlers) {}

  async role() {
    return this.sessionRole;
  }

  async invoke(name: string, input: unknown, opts?: CallOptions): Promise<Result<unknown>> {
    this.calls.push({ name, input, opts });
    const def = contract[name as CallName];
    const handler = this.handlers[name as CallName] as ((i: unknown) => unknown) | undefined;
    if (!def || !handler) return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `fake transport: no handler for ${name}` } };
    const parsed = def.input.safeParse(input ?? {});
    if (!parsed.success) return { ok: false, error: validationError(parsed.error.issues, name).toPayload() };
    try {
      return { ok: true, value: await handler(parsed.data) };
    } catch (e) {
      if (isAppError(e)) return { ok: false, error: e.toPayload() };
      throw e;
    }
  }

  on(event: string, cb: (payload: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(cb);
    return () => set.delete(cb);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const cb of this.listeners.get(event) ?? []) cb(payload);
  }

  callsOf(name: CallName): unknown[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.input);
  }

  /** The Idempotency-Key each call of `name` was made with (undefined: none given, the transport makes one). */
  keysOf(name: CallName): (string | undefined)[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.opts?.idempotencyKey);
  }
}

const root = join(import.meta.dirname, '..', '..');

/** The shipped runway-api plan and rate card, parsed with the real schemas. */
export function shippedConfig(): { plan: PlanConfig; rateCard: RateCard } {
  const plan = PlanConfig.parse(YAML.parse(readFileSync(join(root, 'resources', 'plans', 'runway-api.yaml'), 'utf8')));
  const rateCard = RateCard.parse(YAML.parse(readFileSync(join(root, 'resources', 'rates', 'runway-api.yaml'), 'utf8')));
  return { plan, rateCard };
}

/**
 * Money handlers priced by the real shared estimator, comparison and guard, over a simulated
 * balance: what core answers, minus the ledger.
 */
export function moneyHandlers(available: Partial<Record<PoolId, number>> = { 'local:grant': 10_000 }): FakeHandlers {
  const { plan, rateCard } = shippedConfig();
  const surfaceTotal = (s: Surface) =>
    Object.entries(available)
      .filter(([p]) => p.startsWith(`${s}:`))
      .reduce((a, [, n]) => a + (n ?? 0), 0);
  const est = (p: unknown) => {
    const params = EstimateParams.parse(p);
    return { params, e: estimate(params, rateCard, plan) };
  };
  const balances = () => ({
    pools: Object.entries(available).map(([pool, n]) => {
      const [surface, kind] = pool.split(':') as [Surface, 'allowance' | 'grant' | 'purchased'];
      return { pool, surface, kind, posted: n ?? 0, reserved: 0, available: n ?? 0, resetsAt: null };
    }),
    surfaces: (['web', 'api', 'platform', 'local'] as const).map((surface) => ({ surface, posted: surfaceTotal(surface), reserved: 0, available: surfaceTotal(surface) })),
    asOf: '2026-11-22T10:00:00.000Z',
  });
  return {
    'plans.active': () => ({ plan, rateCard }),
    'plans.list': () => ({
      active: { plan: plan.plan.name, rateCard: rateCard.rate_card.name, surface: plan.plan.surface, checkedAt: plan.plan.checked_at, isStale: false },
      plans: [],
      rateCards: [],
      problems: [],
      warnings: [],
    }),
    'credits.balances': () => balances(),
    'credits.provider': () => ({ comparison: null, usage: null }),
    'credits.estimate': ({ params, against }) => {
      const b = est(params).e;
      const a = against ? est(against).e : null;
      return { estimate: b, against: a, comparison: a ? compare(a, b, plan) : null, brokenConfigs: [] };
    },
    'credits.quote': ({ params }) => {
      const { params: p, e } = est(params);
      const verdict = guard({ params: p, estimate: e, plan, rateCard, state: { available, spentToday: {}, resetsAt: {}, dayResetsAt: '2026-11-23T00:00:00Z' } });
      const surfaces = Object.keys(e.pools) as Surface[];
      return {
        estimate: e,
        canSubmit: verdict.ok,
        refusals: verdict.refusals,
        before: Object.fromEntries(surfaces.map((s) => [s, surfaceTotal(s)])),
        after: Object.fromEntries(surfaces.map((s) => [s, surfaceTotal(s) - (e.pools[s] ?? 0)])),
        brokenConfigs: [],
      };
    },
  };
}

export function notFound(what: string): never {
  throw new AppError('NOT_FOUND', `No ${what}.`);
}
