import type { RetentionPlanDto } from '../../../../shared/contract/media';
import type { CoreEvents } from '../../coreEvents';
import type { Clock, Logger } from '../../ports';
import type { MediaStore } from '../store/mediaStore';
import { cutoffs, DAY_MS, DEFAULT_RETENTION, planRetention, type RetentionPolicy } from './retentionPolicy';

/**
 * Which artifacts must be kept whatever their age, and why ("shortlisted", "awaiting finalize",
 * "published"). That knowledge lives in the takes tables: the takes service implements this.
 * (Interface shared with the takes service: keep it stable.)
 */
export interface ProtectionSource {
  protectedArtifacts(artifactIds: readonly string[]): ReadonlyMap<string, string> | Promise<ReadonlyMap<string, string>>;
}


/**
 * Retention sweep. `plan()` is the dry run (`circletake retention --dry-run`); `sweep()` removes the
 * binaries that go (metadata, check reports and thumbnails stay; artifacts show `sweptAt`).
 * `startDaily()` sweeps now and then once a day (the long-running doors call it; one-shot CLI commands
 * do not); `dispose()` stops the timer.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RetentionPlanDto> | null = null;

  constructor(
    private readonly deps: {
      store: MediaStore;
      protection: ProtectionSource;
      clock: Clock;
      logger: Logger;
      events?: CoreEvents;
      /** Days to keep, e.g. from the active plan's `retention` section (read at every plan/sweep). */
      policy?: Partial<RetentionPolicy> | (() => Partial<RetentionPolicy>);
    },
  ) {}

  get policy(): RetentionPolicy {
    const p = typeof this.deps.policy === 'function' ? this.deps.policy() : this.deps.policy;
    return { ...DEFAULT_RETENTION, ...p };
  }

  async plan(): Promise<RetentionPlanDto> {
    const now = this.deps.clock.now();
    const p = this.policy;
    const limit = cutoffs(now, p);
    const candidates = [...(await this.deps.store.liveOlderThan('preview', limit.preview)), ...(await this.deps.store.liveOlderThan('release', limit.release))];
    const protectedIds = candidates.length > 0 ? await this.deps.protection.protectedArtifacts(candidates.map((a) => a.id)) : new Map<string, string>();
    return planRetention(candidates, protectedIds, now, p);
  }

  /** Removes what the plan says goes. One sweep at a time; a second call joins the running one. */
  sweep(): Promise<RetentionPlanDto> {
    this.running ??= this.doSweep().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  startDaily(): void {
    if (this.timer) return;
    const run = () =>
      void this.sweep().catch((e: unknown) => this.deps.logger.log('error', 'retention sweep failed; it will run again tomorrow', { error: String(e) }));
    run();
    this.timer = setInterval(run, DAY_MS);
    this.timer.unref?.();
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async doSweep(): Promise<RetentionPlanDto> {
    const plan = await this.plan();
    // One transaction marks them all; the objects nobody else uses are deleted in batches.
    const done = plan.goes.length > 0 ? await this.deps.store.sweepMany(plan.goes.map((g) => g.artifactId)) : { freedBytes: 0, failedDeletes: 0 };
    const swept = plan.goes.map((g) => g.artifactId);
    // Deletes that failed before (this sweep's or an earlier one's) are retried on every sweep.
    const retried = await this.deps.store.retryDeletes().catch((e: unknown) => {
      this.deps.logger.log('warn', 'retention could not retry earlier deletes; the next sweep will', { error: String(e) });
      return { deleted: 0, failed: 0 };
    });
    if (swept.length > 0) {
      this.deps.events?.emit('media.swept', { artifactIds: swept });
      this.deps.logger.log('info', 'retention sweep', { swept: swept.length, kept: plan.kept.length, freedBytes: done.freedBytes, failedDeletes: done.failedDeletes, retried: retried.deleted });
    }
    return { ...plan, bytesFreed: done.freedBytes };
  }
}
