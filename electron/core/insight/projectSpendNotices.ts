import type { ProjectThresholds } from '../../../shared/contract/insightTypes';
import { AppError } from '../../../shared/errors';
import type { CoreEvents } from '../coreEvents';
import type { Queryable, SqlEngine } from '../db/engine/sqlEngine';
import type { Clock, Logger, Notifier } from '../ports';
import { projectSpendRepo as repo } from './projectSpendRepo';

/**
 * Spend notifications per project (per user ones are the ledger's: money_notices, the plan's
 * budgets.user_spend_notify_at). Listens to the ledger's `credits.changed` — announced once a write has
 * committed — and, when a project's posted spend (captures and debits, minus refunds) reaches one of its
 * thresholds, notifies once per crossing: an in-app event and an OS notification. A refund that takes
 * the spend back below re-arms the threshold. Thresholds are the project's own, else 50/80/100 % of its
 * budget when it has one.
 */
const BUDGET_SHARES = [0.5, 0.8, 1];

export class ProjectSpendNotices {
  private readonly unsubscribe: () => void;
  /** Checks started by ledger events and not yet finished (idle() waits for them). */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly d: { engine: SqlEngine; events: CoreEvents; notifier: Notifier; clock: Clock; logger: Logger },
  ) {
    this.unsubscribe = d.events.subscribe((name, payload) => {
      if (name !== 'credits.changed') return;
      const p = payload as { kind: string; opId: string };
      if (p.kind !== 'capture' && p.kind !== 'debit' && p.kind !== 'refund') return;
      const done = this.checkOp(p.opId).finally(() => this.pending.delete(done));
      this.pending.add(done);
    });
  }

  /** Resolves once the checks that ledger events started so far have notified (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Notifies each threshold the project's spend has newly reached; re-arms those it fell back below. */
  async check(projectId: string): Promise<number[]> {
    const name = await repo.projectName(this.d.engine, projectId);
    if (name === null) return [];
    const { thresholds } = await this.thresholdsOf(this.d.engine, projectId);
    // Most projects have no thresholds: no need to add up their spend.
    if (thresholds.length === 0) return [];
    const now = this.d.clock.now();
    const crossed = await this.d.engine.tx(async (q) => {
      const spent = await repo.spent(q, projectId);
      const out: { threshold: number; spent: number }[] = [];
      for (const threshold of thresholds) {
        const row = await repo.crossing(q, projectId, threshold);
        if (spent >= threshold) {
          if (!row) await repo.insertCrossing(q, projectId, threshold, spent, now);
          else if (!(await repo.recross(q, projectId, threshold, spent, now))) continue;
          out.push({ threshold, spent });
        } else if (row) await repo.rearm(q, projectId, threshold);
      }
      return out;
    });
    for (const c of crossed) {
      this.d.notifier.notify('Project spend', `Project "${name}" has spent ${c.spent} credits, past its ${c.threshold} threshold.`);
      this.d.events.emit('insight.thresholdCrossed', { projectId, projectName: name, threshold: c.threshold, spent: c.spent });
    }
    return crossed.map((c) => c.threshold);
  }

  /** Sets the project's own thresholds ([] = back to the budget's, if any). Crossings already behind the spend are recorded without a notification. */
  async set(projectId: string, thresholds: readonly number[]): Promise<ProjectThresholds> {
    if ((await repo.projectName(this.d.engine, projectId)) === null) {
      throw new AppError('NOT_FOUND', `No project with id ${projectId}. \`circletake\` lists projects in the app's sidebar.`, { field: 'projectId', id: projectId });
    }
    const unique = [...new Set(thresholds)].sort((a, b) => a - b);
    const now = this.d.clock.now();
    await this.d.engine.tx(async (q) => {
      await repo.replaceOwn(q, projectId, unique, now);
      const effective = (await this.thresholdsOf(q, projectId)).thresholds;
      await repo.dropStale(q, projectId, effective);
      const spent = await repo.spent(q, projectId);
      for (const t of effective) if (spent >= t && !(await repo.crossing(q, projectId, t))) await repo.insertCrossing(q, projectId, t, spent, now);
    });
    return this.view(projectId);
  }

  async view(projectId: string): Promise<ProjectThresholds> {
    const q = this.d.engine;
    const name = await repo.projectName(q, projectId);
    if (name === null) throw new AppError('NOT_FOUND', `No project with id ${projectId}.`, { field: 'projectId', id: projectId });
    const { thresholds, source } = await this.thresholdsOf(q, projectId);
    const live = new Set(thresholds);
    const crossed = (await repo.crossings(q, projectId)).filter((c) => c.is_armed === 0 && live.has(c.threshold)).map((c) => c.threshold);
    return { projectId, projectName: name, thresholds, source, spent: await repo.spent(q, projectId), crossed };
  }

  async list(projectId?: string): Promise<ProjectThresholds[]> {
    const ids = projectId ? [projectId] : await repo.projectIds(this.d.engine);
    const out: ProjectThresholds[] = [];
    for (const id of ids) out.push(await this.view(id));
    return out;
  }

  dispose(): void {
    this.unsubscribe();
  }

  private async checkOp(opId: string): Promise<void> {
    let project: string | null = null;
    try {
      const op = await repo.opProjectWatch(this.d.engine, opId);
      project = op?.projectId ?? null;
      // A project with no thresholds (its own or its budget's) has nothing to cross.
      if (op?.isWatched) await this.check(op.projectId);
    } catch (e) {
      this.d.logger.log('error', 'project spend thresholds could not be checked', { projectId: project, error: (e as Error).message });
    }
  }

  private async thresholdsOf(q: Queryable, projectId: string): Promise<{ thresholds: number[]; source: ProjectThresholds['source'] }> {
    const own = await repo.own(q, projectId);
    if (own.length > 0) return { thresholds: own, source: 'set' };
    const budget = await repo.budget(q, projectId);
    if (budget) return { thresholds: [...new Set(BUDGET_SHARES.map((s) => Math.max(1, Math.ceil(budget * s))))], source: 'budget' };
    return { thresholds: [], source: 'none' };
  }
}
