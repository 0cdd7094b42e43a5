import type { CheckResult, Take } from '../../../shared/contract/takes';
import { AppError } from '../../../shared/errors';
import type { CoreEvents } from '../coreEvents';
import type { Queryable, SqlEngine } from '../db/engine/sqlEngine';
import type { Clock } from '../ports';
import { takeRepo, type NewTake } from './takeRepo';

export type { NewTake } from './takeRepo';

/** Takes: the output clips of jobs, and their auto-check results. */
export class TakeService {
  constructor(
    private readonly engine: SqlEngine,
    private readonly events: CoreEvents,
    private readonly clock: Clock,
  ) {}

  /**
   * Inside the caller's transaction (the queue stores the take and ends its task together): the take as
   * stored, read back in that transaction, to announce once it has committed (announceStored).
   */
  async insertIn(q: Queryable, t: NewTake): Promise<Take> {
    return this.found(t.id, await takeRepo.insert(q, t, this.clock.now()));
  }

  async get(id: string): Promise<Take> {
    return this.found(id, await takeRepo.get(this.engine, id));
  }

  list(projectId: string, shotId?: string): Promise<Take[]> {
    return takeRepo.list(this.engine, projectId, shotId);
  }

  byJob(jobId: string): Promise<Take[]> {
    return takeRepo.byJob(this.engine, jobId);
  }

  /**
   * The auto-check's verdicts on the take, stored once (on the take) and announced once: `takes.changed`
   * carries the take with its status and checks.
   */
  async recordChecks(id: string, status: Take['checkStatus'], checks: CheckResult[] | null): Promise<Take> {
    const at = this.clock.now();
    const take = this.found(
      id,
      await this.engine.tx(async (q) => {
        await takeRepo.setChecks(q, id, status, checks, at);
        return takeRepo.get(q, id);
      }),
    );
    this.events.emit('takes.changed', { take });
    return take;
  }

  async announce(id: string): Promise<void> {
    this.announceStored(await this.get(id));
  }

  /** A take as its committed transaction read it back (insertIn). */
  announceStored(take: Take): void {
    this.events.emit('takes.changed', { take });
  }

  private found(id: string, take: Take | null): Take {
    if (!take) throw new AppError('NOT_FOUND', `No take with id ${id}.`, { field: 'id', id });
    return take;
  }
}
