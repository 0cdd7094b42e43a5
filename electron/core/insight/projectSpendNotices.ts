import type { ProjectThresholds } from '../../../shared/contract/insightTypes';
import { AppError } from '../../../shared/errors';
import type { CoreEvents } from '../coreEvents';
import type { Db } from '../db/db';
import type { Clock, Logger, Notifier } from '../ports';

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
  private readonly s;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly d: { db: Db; events: CoreEvents; notifier: Notifier; clock: Clock; logger: Logger },
  ) {
    const c = d.db.conn;
    this.s = {
      opProject: c.prepare<{ id: string }, { project_id: string | null }>('SELECT project_id FROM ledger_ops WHERE id = @id'),
      spent: c.prepare<{ project: string }, { n: number | null }>(`
        SELECT sum(CASE WHEN e.credit_account = 'sys:spend' THEN e.amount ELSE -e.amount END) AS n
        FROM ledger_entries e JOIN ledger_ops o ON o.id = e.op_id
        WHERE o.project_id = @project AND e.is_pending = 0 AND e.amount > 0 AND (e.credit_account = 'sys:spend' OR e.debit_account = 'sys:refunds')`),
      own: c.prepare<{ project: string }, { threshold: number }>('SELECT threshold FROM project_spend_thresholds WHERE project_id = @project ORDER BY threshold'),
      budget: c.prepare<{ project: string }, { credits: number }>('SELECT credits FROM money_budgets WHERE project_id = @project'),
      project: c.prepare<{ project: string }, { name: string }>('SELECT name FROM projects WHERE id = @project AND deleted_at IS NULL'),
      projects: c.prepare<[], { id: string; name: string }>('SELECT id, name FROM projects WHERE deleted_at IS NULL ORDER BY name'),
      crossing: c.prepare<{ project: string; threshold: number }, { is_armed: number; crossings: number }>(
        'SELECT is_armed, crossings FROM project_spend_crossings WHERE project_id = @project AND threshold = @threshold',
      ),
      crossings: c.prepare<{ project: string }, { threshold: number; is_armed: number }>('SELECT threshold, is_armed FROM project_spend_crossings WHERE project_id = @project ORDER BY threshold'),
      insertCrossing: c.prepare<{ project: string; threshold: number; spent: number; now: number }>(
        'INSERT INTO project_spend_crossings (project_id, threshold, spent, crossed_at) VALUES (@project, @threshold, @spent, @now)',
      ),
      recross: c.prepare<{ project: string; threshold: number; spent: number; now: number }>(
        'UPDATE project_spend_crossings SET is_armed = 0, crossings = crossings + 1, spent = @spent, crossed_at = @now WHERE project_id = @project AND threshold = @threshold AND is_armed = 1',
      ),
      rearm: c.prepare<{ project: string; threshold: number }>('UPDATE project_spend_crossings SET is_armed = 1 WHERE project_id = @project AND threshold = @threshold AND is_armed = 0'),
      clearOwn: c.prepare<{ project: string }>('DELETE FROM project_spend_thresholds WHERE project_id = @project'),
      addOwn: c.prepare<{ project: string; threshold: number; now: number }>('INSERT INTO project_spend_thresholds (project_id, threshold, created_at) VALUES (@project, @threshold, @now)'),
      dropStale: c.prepare<{ project: string; keep: string }>(
        "DELETE FROM project_spend_crossings WHERE project_id = @project AND ',' || @keep || ',' NOT LIKE '%,' || threshold || ',%'",
      ),
    };
    this.unsubscribe = d.events.subscribe((name, payload) => {
      if (name !== 'credits.changed') return;
      const p = payload as { kind: string; opId: string };
      if (p.kind !== 'capture' && p.kind !== 'debit' && p.kind !== 'refund') return;
      const project = this.s.opProject.get({ id: p.opId })?.project_id;
      if (!project) return;
      try {
        this.check(project);
      } catch (e) {
        d.logger.log('error', 'project spend thresholds could not be checked', { projectId: project, error: (e as Error).message });
      }
    });
  }

  /** Notifies each threshold the project's spend has newly reached; re-arms those it fell back below. */
  check(projectId: string): number[] {
    const name = this.s.project.get({ project: projectId })?.name;
    if (name === undefined) return [];
    const { thresholds } = this.thresholdsOf(projectId);
    // Most projects have no thresholds: no need to add up their spend.
    if (thresholds.length === 0) return [];
    const now = this.d.clock.now();
    const crossed = this.d.db.immediate(() => {
      const spent = this.spent(projectId);
      const out: { threshold: number; spent: number }[] = [];
      for (const threshold of thresholds) {
        const row = this.s.crossing.get({ project: projectId, threshold });
        if (spent >= threshold) {
          if (!row) this.s.insertCrossing.run({ project: projectId, threshold, spent, now });
          else if (this.s.recross.run({ project: projectId, threshold, spent, now }).changes === 0) continue;
          out.push({ threshold, spent });
        } else if (row) this.s.rearm.run({ project: projectId, threshold });
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
  set(projectId: string, thresholds: readonly number[]): ProjectThresholds {
    if (this.s.project.get({ project: projectId }) === undefined) {
      throw new AppError('NOT_FOUND', `No project with id ${projectId}. \`circletake\` lists projects in the app's sidebar.`, { field: 'projectId', id: projectId });
    }
    const unique = [...new Set(thresholds)].sort((a, b) => a - b);
    const now = this.d.clock.now();
    this.d.db.immediate(() => {
      this.s.clearOwn.run({ project: projectId });
      for (const t of unique) this.s.addOwn.run({ project: projectId, threshold: t, now });
      const effective = this.thresholdsOf(projectId).thresholds;
      this.s.dropStale.run({ project: projectId, keep: effective.join(',') });
      const spent = this.spent(projectId);
      for (const t of effective) if (spent >= t && !this.s.crossing.get({ project: projectId, threshold: t })) this.s.insertCrossing.run({ project: projectId, threshold: t, spent, now });
    });
    return this.view(projectId);
  }

  view(projectId: string): ProjectThresholds {
    const name = this.s.project.get({ project: projectId })?.name;
    if (name === undefined) throw new AppError('NOT_FOUND', `No project with id ${projectId}.`, { field: 'projectId', id: projectId });
    const { thresholds, source } = this.thresholdsOf(projectId);
    const live = new Set(thresholds);
    const crossed = this.s.crossings.all({ project: projectId }).filter((c) => c.is_armed === 0 && live.has(c.threshold)).map((c) => c.threshold);
    return { projectId, projectName: name, thresholds, source, spent: this.spent(projectId), crossed };
  }

  list(projectId?: string): ProjectThresholds[] {
    const ids = projectId ? [projectId] : this.s.projects.all().map((p) => p.id);
    return ids.map((id) => this.view(id));
  }

  dispose(): void {
    this.unsubscribe();
  }

  private spent(projectId: string): number {
    return this.s.spent.get({ project: projectId })?.n ?? 0;
  }

  private thresholdsOf(projectId: string): { thresholds: number[]; source: ProjectThresholds['source'] } {
    const own = this.s.own.all({ project: projectId }).map((r) => r.threshold);
    if (own.length > 0) return { thresholds: own, source: 'set' };
    const budget = this.s.budget.get({ project: projectId })?.credits;
    if (budget) return { thresholds: [...new Set(BUDGET_SHARES.map((s) => Math.max(1, Math.ceil(budget * s))))], source: 'budget' };
    return { thresholds: [], source: 'none' };
  }
}
