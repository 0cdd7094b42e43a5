import { createHmac } from 'node:crypto';
import type { CoreEvents } from '../coreEvents';
import type { SqlEngine } from '../db/engine/sqlEngine';
import type { Clock, Ids, Logger } from '../ports';
import { limitsRepo as repo, type DeliveryRow } from './limitsRepo';
import type { MoneyLimits } from './moneyLimits';

/**
 * Spend notices to the admin's webhook: every `credits.thresholdCrossed` this process emits (it emits
 * each notice once per member, month and threshold, whichever process crossed it) is POSTed as JSON to
 * the webhook an admin set, signed with its secret: `X-CircleTake-Signature: sha256=<hex HMAC-SHA256 of
 * the body>`. Each send is a row in money_webhook_deliveries (unique per notice, so two processes never
 * both send it), updated after every attempt: an answer within `timeoutMs` with a 2xx status is
 * delivered; a network error, a timeout, 429 or 5xx is tried again after `backoffMs[i]`, up to
 * `maxAttempts`; anything else (a redirect, another 4xx) fails at once. A send cut off with its process
 * is taken over by the next process that opens the core (`resume`). All of it runs after the money
 * committed and never blocks or undoes it. The body carries ids, names and credits — never a prompt.
 */
export interface SpendWebhookDeps {
  engine: SqlEngine;
  events: CoreEvents;
  limits: Pick<MoneyLimits, 'webhookTarget'>;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  timeoutMs?: number;
  maxAttempts?: number;
  backoffMs?: number[];
}

interface Notice {
  userId: string;
  userName?: string | null | undefined;
  period: string;
  threshold: number;
  spent: number;
}

export const SIGNATURE_HEADER = 'x-circletake-signature';

/** A pending send with no word for this long was cut off with its process (a live one writes after every try: at most timeout + backoff apart). */
export const STALE_MS = 60_000;

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class SpendWebhook {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly aborts = new Set<AbortController>();
  private readonly off: () => void;
  private isDisposed = false;

  constructor(private readonly d: SpendWebhookDeps) {
    this.off = d.events.subscribe((name, payload) => {
      if (name === 'credits.thresholdCrossed') this.send(payload as Notice);
    });
    this.track(this.resume());
  }

  /** Starts sending a notice (never throws, never waits). */
  send(n: Notice): void {
    this.track(this.deliver(n));
  }

  /** Settles when every send started so far has ended (delivered, failed, or stopped by dispose). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  dispose(): void {
    this.isDisposed = true;
    this.off();
    for (const a of this.aborts) a.abort();
  }

  private track(work: Promise<void>): void {
    // Handled before the disposed check: a send started after dispose still must not reject unhandled.
    const p = work.catch((e: unknown) => this.d.logger.log('error', 'a spend-notice webhook could not be recorded', { error: String(e) }));
    if (this.isDisposed) return;
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private iso(): string {
    return new Date(this.d.clock.now()).toISOString();
  }

  private async deliver(n: Notice): Promise<void> {
    const target = await this.d.limits.webhookTarget();
    if (!target || this.isDisposed) return;
    const row: DeliveryRow = {
      id: this.d.ids.newId('whd'), user_id: n.userId, period: n.period, threshold: n.threshold, spent: n.spent, target: new URL(target.url).origin,
      state: 'pending', attempts: 0, last_status: null, last_error: null, created_at: this.iso(), updated_at: this.iso(),
    };
    if (!(await repo.insertDelivery(this.d.engine, row))) return;
    await this.tries(row, n.userName ?? null, target);
  }

  /**
   * Sends left pending by a process that was cut off (no word for STALE_MS; a live one writes after every
   * try, well within it) are taken over by one process and tried again, with the same body and signature;
   * to another webhook than the one they were meant for, never: they fail saying so.
   */
  private async resume(): Promise<void> {
    for (const row of await repo.stalePending(this.d.engine, new Date(this.d.clock.now() - STALE_MS).toISOString())) {
      if (this.isDisposed) return;
      const now = this.iso();
      if (!(await repo.claimDelivery(this.d.engine, row.id, row.updated_at, now))) continue;
      const target = await this.d.limits.webhookTarget();
      if (!target || new URL(target.url).origin !== row.target) {
        const error = target ? 'the webhook changed before this notice was sent' : 'the webhook was removed before this notice was sent';
        await repo.updateDelivery(this.d.engine, row.id, { state: 'failed', attempts: row.attempts, last_status: row.last_status, last_error: error, updated_at: now });
        continue;
      }
      const name = (await repo.membersMatching(this.d.engine, row.user_id)).find((m) => m.id === row.user_id)?.name ?? null;
      await this.tries({ ...row, updated_at: now }, name, target);
    }
  }

  /** Tries after `row.attempts` up to maxAttempts, recording each. */
  private async tries(row: DeliveryRow, userName: string | null, target: { url: string; secret: string }): Promise<void> {
    const body = JSON.stringify({
      event: 'credits.thresholdCrossed', deliveryId: row.id, userId: row.user_id, userName,
      period: row.period, threshold: row.threshold, spent: row.spent, at: row.created_at,
    });
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'CircleTake-Webhook',
      'x-circletake-event': 'credits.thresholdCrossed',
      'x-circletake-delivery': row.id,
      [SIGNATURE_HEADER]: signBody(target.secret, body),
    };
    const max = this.d.maxAttempts ?? 3;
    const backoff = this.d.backoffMs ?? [1000, 5000];
    for (let attempt = row.attempts + 1; attempt <= max && !this.isDisposed; attempt++) {
      const r = await this.post(target.url, headers, body);
      if (this.isDisposed) return;
      const done = r.ok || !r.retry || attempt === max;
      await repo.updateDelivery(this.d.engine, row.id, { state: r.ok ? 'delivered' : done ? 'failed' : 'pending', attempts: attempt, last_status: r.status, last_error: r.error, updated_at: this.iso() });
      if (done) {
        if (!r.ok) this.d.logger.log('warn', 'spend-notice webhook failed', { delivery: row.id, target: row.target, attempts: attempt, status: r.status, error: r.error });
        return;
      }
      await this.sleep(backoff[Math.min(attempt - 1, backoff.length - 1)] ?? 1000);
    }
  }

  private async post(url: string, headers: Record<string, string>, body: string): Promise<{ ok: boolean; retry: boolean; status: number | null; error: string | null }> {
    const abort = new AbortController();
    this.aborts.add(abort);
    const timer = setTimeout(() => abort.abort(new Error('timeout')), this.d.timeoutMs ?? 5000);
    try {
      const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: abort.signal });
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) return { ok: true, retry: false, status: res.status, error: null };
      const retry = res.status === 429 || res.status >= 500;
      const error = res.status >= 300 && res.status < 400 ? `redirected (${res.status}): set the webhook to its final URL` : `answered ${res.status}`;
      return { ok: false, retry, status: res.status, error };
    } catch (e) {
      const timedOut = abort.signal.aborted && !this.isDisposed;
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return { ok: false, retry: true, status: null, error: timedOut ? `no answer within ${this.d.timeoutMs ?? 5000} ms` : `could not connect${cause ? ` (${cause})` : ''}` };
    } finally {
      clearTimeout(timer);
      this.aborts.delete(abort);
    }
  }

  /** Waits `ms`, or less when disposed. */
  private sleep(ms: number): Promise<void> {
    const abort = new AbortController();
    this.aborts.add(abort);
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      abort.signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    }).finally(() => this.aborts.delete(abort));
  }
}
