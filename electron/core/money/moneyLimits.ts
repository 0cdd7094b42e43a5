import type { z } from 'zod';
import type { SetNotifyRequest, SetUserLimitsRequest } from '../../../shared/contract/limits';
import { AppError } from '../../../shared/errors';
import { dayOf, monthOf, nextDayStart } from '../../../shared/money/cycles';
import { nextMonthStart, type LimitsView, type WebhookDelivery } from '../../../shared/money/limits';
import type { PlanConfig } from '../../../shared/money/planSchema';
import { accountRepo } from '../accounts/accountRepo';
import type { Queryable, SqlEngine } from '../db/engine/sqlEngine';
import type { Clock, Ids } from '../ports';
import { limitsRepo as repo, thresholdsOf, thresholdsText, WEBHOOK_SETTING, type LimitRow, type LimitScope } from './limitsRepo';

/**
 * The limits and spend notices an admin sets (shared/money/limits.ts): reads and writes of
 * money_limits and the webhook setting, each write recorded under who made it (account_events
 * 'limitChanged', the admin's audit). The guard reads the limits itself (ledgerSpend.guardStateOf), the
 * notices their thresholds (`noticeThresholds`), the webhook sender its target (`webhookTarget`).
 */
export interface SecretBox {
  seal(secret: string): string;
  open(sealed: string): string;
}

/** Who made a change: a member's id, or null for the studio's owner. */
export type Actor = string | null;

interface StoredWebhook {
  url: string;
  secret: string | null;
  updatedBy: string | null;
  updatedAt: string;
}

export interface MoneyLimitsDeps {
  engine: SqlEngine;
  clock: Clock;
  ids: Ids;
  plan: () => PlanConfig;
  secrets: SecretBox;
}

const none = (n: number | null) => (n === null ? 'none' : n.toLocaleString('en-US'));

export class MoneyLimits {
  constructor(private readonly d: MoneyLimitsDeps) {}

  async view(): Promise<LimitsView> {
    const q = this.d.engine;
    const now = this.d.clock.now();
    const day = dayOf(now);
    const month = monthOf(now);
    const [rows, members, projects, userDay, userMonth, projectDay, projectAll, hook] = await Promise.all([
      repo.all(q), repo.members(q), repo.projects(q), repo.spendIn(q, 'user', day), repo.spendIn(q, 'user', month),
      repo.spendIn(q, 'project', day), repo.spendIn(q, 'project', 'all'), this.storedWebhook(q),
    ]);
    const spend = (list: { key: string; n: number }[]) => new Map(list.map((r) => [r.key, r.n]));
    const [uDay, uMonth, pDay, pAll] = [spend(userDay), spend(userMonth), spend(projectDay), spend(projectAll)];
    const row = (scope: LimitScope, key: string) => rows.find((r) => r.scope === scope && r.key === key);
    const users = [...members.map((m) => ({ id: m.id, name: m.name as string | null }))];
    for (const r of rows) if (r.scope === 'user' && !members.some((m) => m.id === r.key)) users.push({ id: r.key, name: null });
    return {
      members: users.map((u) => {
        const r = row('user', u.id);
        return {
          userId: u.id, name: u.name, monthly: r?.monthly ?? null, daily: r?.daily ?? null, notifyAt: thresholdsOf(r?.notify_at ?? null),
          spentToday: uDay.get(u.id) ?? 0, spentMonth: uMonth.get(u.id) ?? 0, updatedBy: r?.updated_by ?? null, updatedAt: r?.updated_at ?? null,
        };
      }),
      projects: projects.map((p) => {
        const r = row('project', p.id);
        return {
          projectId: p.id, name: p.name, budget: p.budget, daily: r?.daily ?? null, spentToday: pDay.get(p.id) ?? 0, spentAll: pAll.get(p.id) ?? 0,
          updatedBy: r?.updated_by ?? null, updatedAt: r?.updated_at ?? null,
        };
      }),
      notify: {
        defaultAt: thresholdsOf(row('studio', '*')?.notify_at ?? null),
        planAt: this.d.plan().budgets.user_spend_notify_at,
        webhook: hook ? { url: hook.url, hasSecret: hook.secret !== null, updatedBy: hook.updatedBy, updatedAt: hook.updatedAt } : null,
      },
      dayResetsAt: nextDayStart(now),
      monthResetsAt: nextMonthStart(now),
    };
  }

  async setUserLimits(req: z.output<typeof SetUserLimitsRequest>, by: Actor): Promise<LimitsView> {
    await this.d.engine.tx(async (q) => {
      const member = await this.member(q, req.userId);
      const before = await this.rowOf(q, 'user', member.id);
      const after = { ...before, monthly: req.monthly === undefined ? before.monthly : req.monthly, daily: req.daily === undefined ? before.daily : req.daily };
      await this.write(q, before, after, by, `limits of ${member.name}: monthly ${none(before.monthly)} → ${none(after.monthly)}, daily ${none(before.daily)} → ${none(after.daily)}`);
    });
    return this.view();
  }

  /** The project must exist (the handler checks, NOT_FOUND otherwise). */
  async setProjectDailyCap(projectId: string, daily: number | null, by: Actor): Promise<LimitsView> {
    await this.d.engine.tx(async (q) => {
      const before = await this.rowOf(q, 'project', projectId);
      await this.write(q, before, { ...before, daily }, by, `daily cap of project ${projectId}: ${none(before.daily)} → ${none(daily)}`);
    });
    return this.view();
  }

  async setNotify(req: z.output<typeof SetNotifyRequest>, by: Actor): Promise<LimitsView> {
    const sealed = req.webhook?.secret !== undefined ? this.d.secrets.seal(req.webhook.secret) : undefined;
    await this.d.engine.tx(async (q) => {
      if (req.notifyAt !== undefined) {
        const member = req.userId !== undefined ? await this.member(q, req.userId) : null;
        const before = await this.rowOf(q, member ? 'user' : 'studio', member?.id ?? '*');
        const after = { ...before, notify_at: thresholdsText(req.notifyAt) };
        const whose = member ? `of ${member.name}` : 'studio default';
        await this.write(q, before, after, by, `spend notices ${whose}: ${before.notify_at ?? 'unset'} → ${after.notify_at ?? 'unset'}`);
      } else if (req.userId !== undefined) {
        throw new AppError('VALIDATION', 'notifyAt: give the thresholds for this member (or null to fall back to the studio default)', { field: 'notifyAt' });
      }
      if (req.webhook !== undefined) {
        const old = await this.storedWebhook(q);
        const secret = sealed ?? (req.webhook && old ? old.secret : null);
        if (req.webhook && secret === null) throw new AppError('VALIDATION', 'webhook.secret: set a signing secret (16 characters or more) with the URL', { field: 'webhook.secret' });
        const at = new Date(this.d.clock.now()).toISOString();
        const stored: StoredWebhook | null = req.webhook ? { url: req.webhook.url, secret, updatedBy: by, updatedAt: at } : null;
        await repo.putSetting(q, WEBHOOK_SETTING, stored ? JSON.stringify(stored) : null);
        const detail = stored ? `spend-notice webhook set to ${new URL(stored.url).origin}${sealed ? ' with a new secret' : ''}` : 'spend-notice webhook removed';
        await this.record(q, by, 'webhook', detail);
      }
    });
    return this.view();
  }

  /** The webhook to send a notice to, its secret opened (null: none set). */
  async webhookTarget(q: Queryable = this.d.engine): Promise<{ url: string; secret: string } | null> {
    const hook = await this.storedWebhook(q);
    return hook?.secret ? { url: hook.url, secret: this.d.secrets.open(hook.secret) } : null;
  }

  async deliveries(limit = 100): Promise<WebhookDelivery[]> {
    return (await repo.deliveries(this.d.engine, limit)).map((r) => ({
      id: r.id, userId: r.user_id, period: r.period, threshold: r.threshold, spent: r.spent, target: r.target, state: r.state, attempts: r.attempts,
      lastStatus: r.last_status, lastError: r.last_error, createdAt: r.created_at, updatedAt: r.updated_at,
    }));
  }

  private async member(q: Queryable, idOrName: string): Promise<{ id: string; name: string }> {
    const found = await repo.membersMatching(q, idOrName);
    const exact = found.find((m) => m.id === idOrName);
    if (exact) return exact;
    if (found.length === 1) return found[0]!;
    if (found.length > 1) throw new AppError('VALIDATION', `userId: ${found.length} members are called ${idOrName}; give the member's id (${found.map((m) => m.id).join(', ')})`, { field: 'userId' });
    throw new AppError('NOT_FOUND', `userId: no member ${idOrName}. \`circletake studio members\` lists them.`, { field: 'userId', userId: idOrName });
  }

  private async rowOf(q: Queryable, scope: LimitScope, key: string): Promise<LimitRow> {
    return (await repo.get(q, scope, key)) ?? { scope, key, monthly: null, daily: null, notify_at: null, updated_by: null, updated_at: '' };
  }

  private async write(q: Queryable, before: LimitRow, after: LimitRow, by: Actor, detail: string): Promise<void> {
    const same = before.monthly === after.monthly && before.daily === after.daily && before.notify_at === after.notify_at;
    if (same) return;
    await repo.put(q, { ...after, updated_by: by, updated_at: new Date(this.d.clock.now()).toISOString() });
    await this.record(q, by, after.key === '*' ? 'studio' : after.key, detail);
  }

  private record(q: Queryable, by: Actor, subject: string, detail: string): Promise<void> {
    return accountRepo.insertEvent(q, { id: this.d.ids.newId('aev'), at: this.d.clock.now(), actor_id: by, kind: 'limitChanged', subject, detail });
  }

  private async storedWebhook(q: Queryable): Promise<StoredWebhook | null> {
    const raw = await repo.setting(q, WEBHOOK_SETTING);
    return raw ? (JSON.parse(raw) as StoredWebhook) : null;
  }
}

/** A member's notice thresholds: their own, else the studio's default, else the plan's. */
export async function noticeThresholds(q: Queryable, userId: string, plan: PlanConfig): Promise<number[]> {
  const rows = await repo.noticeThresholds(q, userId);
  const own = thresholdsOf(rows.find((r) => r.scope === 'user')?.notify_at ?? null);
  const studio = thresholdsOf(rows.find((r) => r.scope === 'studio')?.notify_at ?? null);
  return own ?? studio ?? plan.budgets.user_spend_notify_at;
}
